import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { SubmissionChange } from '@/core/api';
import type { StoredPatch, StoredValue } from '@/core/patch';
import { changesToRevert, planRevert } from '@/server/patch/plan-revert';
import { openPostgresStore, openSqliteStore, type SpanStore } from '@/server/store';
import { createTestDatabase } from '../support/postgres-cluster';
import { spanId, testStore } from './test-server';

// The stores plan and write a revert set-based (issue 26, item 6); `planRevert` is the rule span by span (SPEC §9).
// Whatever a submission did (keys new and old, nulls, decimals, a span twice) and whatever changed since, both
// stores answer and write exactly what `planRevert` plans.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function newStore(): Promise<SpanStore> {
  if (testStore() === 'postgres') {
    const store = await openPostgresStore(await createTestDatabase());
    cleanups.push(() => store.close());
    return store;
  }
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-revert-property-'));
  const store = openSqliteStore(join(dir, 'spans.db'));
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

const SPANS = 4;
// NOTE: each key keeps one type, so that no span fails on a type: a text, a whole number, a decimal.
const values: Record<'a' | 'b' | 'c', fc.Arbitrary<StoredValue>> = {
  a: fc.constantFrom('x', '007', 'y', null),
  b: fc.constantFrom(1, 7, -3, null),
  c: fc.constantFrom(0.1, 0.30000000000000004, 2.5, 1e-7, null),
};
const patch = fc
  .record({ a: values.a, b: values.b, c: values.c }, { requiredKeys: [] })
  .filter((record) => Object.keys(record).length > 0) as fc.Arbitrary<StoredPatch>;
const entries = fc.array(fc.tuple(fc.nat(SPANS - 1), patch), { minLength: 1, maxLength: 8 });

const PROJECT = 'p';

async function submit(store: SpanStore, id: string, list: readonly [number, StoredPatch][]) {
  await store.applyPatches({
    project: PROJECT,
    spans: list.map(([index, stored]) => ({ spanId: spanId(index), patch: { ok: true, stored } })),
    keyName: null,
    idempotencyKey: null,
    submission: { id, label: id },
  });
}

async function metadataOf(store: SpanStore): Promise<Map<string, StoredPatch>> {
  const ids = Array.from({ length: SPANS }, (_, index) => spanId(index));
  const lookup = await store.lookupSpans(PROJECT, ids);
  return new Map(lookup.spans.map((span) => [span.span_id, span.metadata as StoredPatch]));
}

async function changesOf(store: SpanStore, id: string): Promise<SubmissionChange[]> {
  return (await store.listSubmissionChanges(id, { search: null, after: null, limit: 1000 }))?.rows ?? [];
}

describe(`a revert planned set-based, on ${testStore() === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('answers and writes what planRevert plans, whatever changed since', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(patch, { minLength: SPANS, maxLength: SPANS }),
        entries,
        fc.array(fc.tuple(fc.nat(SPANS - 1), patch), { maxLength: 3 }),
        async (initial, submitted, since) => {
          run++;
          const store = await newStore();
          await store.ingestSpans(
            PROJECT,
            initial.map((metadata, index) => ({
              spanId: spanId(index),
              traceId: '1'.repeat(32),
              parentSpanId: null,
              name: `span ${index}`,
              kind: 'LLM',
              startTime: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
              endTime: null,
              metadata: JSON.stringify(metadata),
            })),
          );
          await submit(store, `sub-${run}`, submitted);
          if (since.length > 0) await submit(store, `since-${run}`, since);
          const before = await metadataOf(store);
          const expected = planRevert(PROJECT, changesToRevert(await changesOf(store, `sub-${run}`)), before);
          const answer = await store.revertSubmission({
            submissionId: `sub-${run}`,
            dryRun: false,
            keyName: null,
          });
          expect(answer).toMatchObject({
            spans_processed: expected.spansProcessed,
            spans_updated: expected.spansUpdated,
            spans_failed: expected.spansFailed,
            errors: expected.errors,
          });
          const after = await metadataOf(store);
          const written = new Map(expected.writes.map((write) => [write.spanId, write.metadata]));
          for (const [id, metadata] of before) expect(after.get(id)).toEqual(written.get(id) ?? metadata);
          expect(await changesOf(store, answer?.submission_id ?? '')).toEqual(
            expected.writes.flatMap((write) =>
              write.changes.map((change) => ({
                span_id: write.spanId,
                key: change.key,
                existed_before: change.existedBefore,
                before: change.before,
                after: change.after,
                removed: change.removed === true,
              })),
            ),
          );
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
