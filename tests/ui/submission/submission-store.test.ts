import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmissionProgress } from '@/client';
import type { Submission } from '@/core/api';
import { submissionsResponseSchema } from '@/core/api/api-schema';
import { autoMapColumns } from '@/core/columns';
import { summarizeOutcome, type SubmissionOutcome } from '@/core/outcome';
import { SheetModel } from '@/core/sheet';
import type { ConnectionSettings } from '@/ui/settings';
import { type SheetSource, SheetStore } from '@/ui/sheet';
import { retryReportText, SubmissionStore } from '@/ui/submission';
import {
  getJson,
  ingestSpans,
  spanId,
  startTestServer,
  submissionRecord,
  type TestServer,
} from '../../server/test-server';

let server: TestServer;
let projectCount = 0;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

/** A project of its own for each test, with `count` spans in it: spanId(1) … spanId(count). */
async function newProject(count: number): Promise<string> {
  const project = `p${++projectCount}`;
  await ingestSpans(
    server,
    project,
    Array.from({ length: count }, (_, index) => ({ spanId: spanId(index + 1) })),
  );
  return project;
}

/** A sheet of `count` spans setting `batch`, then rows blocked by bad JSON. */
function sheetOf(count: number, blocked = 0, source: SheetSource = { name: 'review.csv', kind: 'file' }) {
  const { columns } = autoMapColumns(['context.span_id', 'attributes.metadata.batch', 'patch_document']);
  const rows = [
    ...Array.from({ length: count }, (_, index) => [spanId(index + 1), index, '']),
    ...Array.from({ length: blocked }, (_, index) => [spanId(1000 + index), 0, '{"oops":']),
  ];
  return new SheetStore(SheetModel.fromRows(columns, rows), source);
}

function settingsFor(project: string): ConnectionSettings {
  return { serverUrl: server.url, apiKey: '', project, rememberApiKey: false };
}

async function submissionsOf(project: string): Promise<Submission[]> {
  const answer = await getJson(`${server.url}/api/v1/submissions?project=${project}`);
  return submissionsResponseSchema.parse(answer.body).submissions;
}

/** What History shows of a submission, as the summary's `server` figures. */
function totalsOf(submission: Submission | undefined) {
  return submission
    ? {
        processed: submission.spans_processed,
        updated: submission.spans_updated,
        unchanged: submission.spans_unchanged,
        failed: submission.spans_failed,
      }
    : null;
}

type Fate = 'pass' | 'refuse' | 'lose-answer';

/**
 * The real fetch with some metadata requests failing as a network does: `refuse` never reaches the server,
 * `lose-answer` reaches it (the batch is applied) and then the connection breaks. Records each request's body.
 */
function flakyFetch(fateOf: (request: number) => Fate) {
  const bodies: string[] = [];
  const replayed: boolean[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (!String(input).endsWith('/spans/metadata')) return fetch(input, init);
    const fate = fateOf(bodies.length);
    bodies.push(String(init?.body));
    if (fate === 'refuse') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const response = await fetch(input, init);
    replayed.push(response.headers.get('Idempotent-Replayed') === 'true');
    if (fate === 'lose-answer') {
      await response.text();
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    }
    return response;
  };
  return { fetchImpl, bodies, replayed };
}

const QUICK = { maxRetries: 0, retryBaseDelayMs: 1, concurrency: 1 } as const;

function outcomeOf(store: SubmissionStore): SubmissionOutcome {
  const outcome = store.outcome;
  if (!outcome) throw new Error(`no outcome (${store.problem ?? 'no problem either'})`);
  return outcome;
}

describe('one submission per Submit', () => {
  it('sends every batch under one submission id with the file name, kept as one submission whose totals add up', async () => {
    const project = await newProject(12);
    const sheet = sheetOf(12, 2);
    const store = new SubmissionStore();
    const { fetchImpl, bodies } = flakyFetch(() => 'pass');
    await store.submit(sheet, settingsFor(project), { batchSize: 5, fetch: fetchImpl });

    const outcome = outcomeOf(store);
    const sent = bodies.map((body) => JSON.parse(body) as { submission: { id: string; label: string } });
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((body) => JSON.stringify(body.submission)))).toEqual(
      new Set([JSON.stringify({ id: outcome.result.submission_id, label: 'review.csv' })]),
    );

    const summary = summarizeOutcome(outcome);
    expect(summary).toMatchObject({ sent: 12, updated: 12, failed: 0, blocked: 2, notSent: 0 });
    const submissions = await submissionsOf(project);
    expect(submissions).toHaveLength(1);
    expect(submissions[0]?.id).toBe(outcome.result.submission_id);
    expect(submissions[0]?.label).toBe('review.csv');
    expect(submissions[0]?.batches).toBe(3);
    expect(totalsOf(submissions[0])).toEqual(summary.server);
    expect(sheet.readOnly).toBe(false);
  });

  it('labels a typed or pasted sheet "Edited sheet", and leaves out spans already up to date', async () => {
    const project = await newProject(3);
    const store = new SubmissionStore();
    const sheet = sheetOf(3, 0, { name: 'Pasted sheet', kind: 'paste' });
    await store.submit(sheet, settingsFor(project), { upToDate: new Set([spanId(2)]) });
    const outcome = outcomeOf(store);
    expect(outcome.label).toBe('Edited sheet');
    expect(outcome.skippedUpToDate).toBe(1);
    expect(summarizeOutcome(outcome).sent).toBe(2);
    const [submission] = await submissionsOf(project);
    expect(submission?.label).toBe('Edited sheet');
    expect(submission?.spans_processed).toBe(2);
  });
});

describe('Retry in the same submission', () => {
  it('re-sends the undelivered batches exactly as they were; the server applies each once', async () => {
    const project = await newProject(15);
    const store = new SubmissionStore();
    // Batch 2 never reaches the server; batch 3 is applied, but its answer is lost.
    const first = flakyFetch((request) =>
      request === 1 ? 'refuse' : request === 2 ? 'lose-answer' : 'pass',
    );
    const progress: SubmissionProgress[] = [];
    const unsubscribe = store.subscribe(() => {
      const running = store.running;
      if (running && progress.at(-1) !== running.progress) progress.push(running.progress);
    });
    await store.submit(sheetOf(15), settingsFor(project), { ...QUICK, batchSize: 5, fetch: first.fetchImpl });
    unsubscribe();

    // A batch that could not be delivered never advances "done"; it is counted apart.
    const last = progress.at(-1);
    expect(last).toMatchObject({ spansDone: 5, batchesDone: 1, batchesFailed: 2, spansUndelivered: 10 });
    expect(progress.every((step) => step.spansDone <= 5)).toBe(true);

    const before = outcomeOf(store);
    expect(summarizeOutcome(before)).toMatchObject({ sent: 15, updated: 5, failed: 10, neverDelivered: 10 });
    expect(before.result.undelivered_batches).toHaveLength(2);

    const again = flakyFetch(() => 'pass');
    await store.retry(settingsFor(project), { ...QUICK, fetch: again.fetchImpl });
    // The same bodies, byte for byte, under the same keys: the lost answer is replayed, not applied twice.
    expect(again.bodies).toEqual(first.bodies.slice(1));
    expect(again.replayed).toEqual([false, true]);

    const after = outcomeOf(store);
    const summary = summarizeOutcome(after);
    expect(summary).toMatchObject({ sent: 15, updated: 15, failed: 0, neverDelivered: 0, notSent: 0 });
    expect(after.result.submission_id).toBe(before.result.submission_id);
    expect(after.lastRetry).toMatchObject({ sent: 10, undelivered: 0 });
    const submissions = await submissionsOf(project);
    expect(submissions).toHaveLength(1);
    expect(totalsOf(submissions[0])).toEqual(summary.server);
    const record = await submissionRecord(server, after.result.submission_id);
    expect(record.changes).toHaveLength(15);
  });

  it('says plainly when the server is still unreachable, and keeps the figures as they were', async () => {
    const project = await newProject(4);
    const store = new SubmissionStore();
    const down = flakyFetch((request) => (request === 0 ? 'pass' : 'refuse'));
    await store.submit(sheetOf(4), settingsFor(project), { ...QUICK, batchSize: 2, fetch: down.fetchImpl });
    const before = summarizeOutcome(outcomeOf(store));

    await store.retry(settingsFor(project), { ...QUICK, fetch: flakyFetch(() => 'refuse').fetchImpl });
    const outcome = outcomeOf(store);
    expect(summarizeOutcome(outcome)).toEqual(before);
    expect(outcome.lastRetry).toMatchObject({ sent: 2, undelivered: 2 });
    expect(outcome.lastRetry && retryReportText(outcome.lastRetry)).toEqual({
      tone: 'error',
      text: 'Retry failed again: 2 spans could not be delivered — the server is still unreachable.',
    });
    const [submission] = await submissionsOf(project);
    expect(totalsOf(submission)).toEqual(before.server);
  });

  it('sends the spans a cancel left unsent as new batches of the same submission, to its project', async () => {
    const project = await newProject(6);
    const store = new SubmissionStore();
    const unsubscribe = store.subscribe(() => {
      if ((store.running?.progress.batchesDone ?? 0) >= 1) store.cancel();
    });
    await store.submit(sheetOf(6), settingsFor(project), { ...QUICK, batchSize: 2 });
    unsubscribe();
    const cancelled = outcomeOf(store);
    expect(summarizeOutcome(cancelled)).toMatchObject({ sent: 2, updated: 2, notSent: 4 });
    expect(cancelled.cancelled).toBe(true);

    // Settings now name another project: the Retry still goes where the submission went.
    await store.retry(settingsFor('elsewhere'), QUICK);
    const outcome = outcomeOf(store);
    expect(summarizeOutcome(outcome)).toMatchObject({ sent: 6, updated: 6, notSent: 0, failed: 0 });
    expect(outcome.cancelled).toBe(false);
    const submissions = await submissionsOf(project);
    expect(submissions).toHaveLength(1);
    // The first batch, then the four unsent spans as one new batch (the Retry's own batch size).
    expect(submissions[0]?.batches).toBe(2);
    expect(totalsOf(submissions[0])).toEqual(summarizeOutcome(outcome).server);
  });
});
