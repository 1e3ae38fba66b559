// @vitest-environment jsdom
import { renderHook, waitFor } from '@testing-library/react';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { loadLastSubmission, saveLastSubmission } from '@/ui/sheet';
import { SubmissionStore, useOutcomeAutosave } from '@/ui/submission';
import { BLOCKED, FAILED, makeOutcome } from '../results/outcome-fixture';

/** The app after a reload: a new store, and the hook reading the same browser storage. */
async function reload(database: IDBFactory): Promise<SubmissionStore> {
  const store = new SubmissionStore();
  const { result } = renderHook(() => useOutcomeAutosave(store, database));
  await waitFor(() => expect(result.current).toBe(false));
  return store;
}

describe('the last submission survives a reload', () => {
  it('is saved when it comes, and restored after a reload', async () => {
    const database = new IDBFactory();
    const before = await reload(database);
    expect(before.outcome).toBeNull();

    const outcome = makeOutcome(FAILED, {}, false, BLOCKED);
    before.restore(outcome);
    await waitFor(async () => expect((await loadLastSubmission(database)).outcome).toEqual(outcome));

    const after = await reload(database);
    expect(after.outcome).toEqual(outcome);
    expect(after.getState().savedProblem).toBeNull();
  });

  it('never replaces a submission made while the saved one was being read; that one is saved', async () => {
    const database = new IDBFactory();
    await saveLastSubmission(makeOutcome(), database);
    const store = new SubmissionStore();
    const newer = { ...makeOutcome(FAILED.slice(0, 1)), label: 'newer.csv' };
    store.restore(newer);
    const { result } = renderHook(() => useOutcomeAutosave(store, database));
    await waitFor(() => expect(result.current).toBe(false));
    expect(store.outcome).toBe(newer);
    await waitFor(async () => expect((await loadLastSubmission(database)).outcome?.label).toBe('newer.csv'));
  });

  it('says why saved results could not be restored', async () => {
    const database = new IDBFactory();
    // Saved without the patches its Retry needs, as a damaged storage might give it back.
    await saveLastSubmission({ ...makeOutcome(), patches: new Map() }, database);
    const store = await reload(database);
    expect(store.outcome).toBeNull();
    expect(store.getState().savedProblem).toBe(
      "The results of the last submission could not be restored (It is damaged: a span Retry would send has no saved patch.) History still has the server's record of it.",
    );
  });
});
