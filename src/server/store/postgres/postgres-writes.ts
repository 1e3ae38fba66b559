import type { StoredValue } from '@/core/patch';
import { searchForm, textPreview } from '@/core/text';
import type { IngestPlan } from '@/server/patch/plan-ingest';
import type { SpanWrite } from '@/core/patch';
import type { FieldWrite } from '@/server/patch/plan-submission';
import type { Sql } from './postgres-db';
import { jsonParam } from './postgres-text';

// The writes of a batch, set-based: one statement per table, the rows passed as arrays and unnested.

/**
 * Writes the spans' metadata after a batch: only the keys each span's changes set or removed, merged into the
 * stored `jsonb` by PostgreSQL (`(metadata - removed) || set`), so a write sends and parses what it changes, not
 * every key the span holds. The spans were locked when the batch read them, so what is stored is what was planned
 * against; a span written twice by one batch gets its changes in order.
 */
export async function updateSpans(
  sql: Sql,
  projectId: number,
  writes: readonly SpanWrite[],
  now: string,
): Promise<void> {
  const bySpan = new Map<string, { set: Map<string, StoredValue>; removed: Set<string> }>();
  for (const write of writes) {
    let span = bySpan.get(write.spanId);
    if (!span) {
      span = { set: new Map(), removed: new Set() };
      bySpan.set(write.spanId, span);
    }
    for (const change of write.changes) {
      if (change.removed === true) {
        span.set.delete(change.key);
        span.removed.add(change.key);
      } else {
        span.set.set(change.key, change.after);
        span.removed.delete(change.key);
      }
    }
  }
  if (bySpan.size === 0) return;
  const removedSpans: string[] = [];
  const removedKeys: string[] = [];
  for (const [spanId, span] of bySpan) {
    for (const key of span.removed) {
      removedSpans.push(spanId);
      removedKeys.push(key);
    }
  }
  await sql.query(
    `UPDATE spans s SET metadata = (s.metadata - coalesce(r.keys, '{}'::text[])) || u.patch, updated_at = $2
     FROM unnest($3::text[], $4::jsonb[]) AS u (span_id, patch)
       LEFT JOIN (
         SELECT r.span_id, array_agg(r.key) AS keys FROM unnest($5::text[], $6::text[]) AS r (span_id, key)
         GROUP BY r.span_id
       ) r ON r.span_id = u.span_id
     WHERE s.project_id = $1 AND s.span_id = u.span_id`,
    [
      projectId,
      now,
      [...bySpan.keys()],
      // NOTE: fromEntries defines own properties, so a key such as `__proto__` stays a key.
      [...bySpan.values()].map((span) => jsonParam(Object.fromEntries(span.set))),
      removedSpans,
      removedKeys,
    ],
  );
}

/** Inserts traced spans with their initial metadata. */
export async function insertSpans(
  sql: Sql,
  projectId: number,
  inserts: IngestPlan['inserts'],
): Promise<void> {
  if (inserts.length === 0) return;
  const column = <T>(pick: (insert: IngestPlan['inserts'][number]) => T) => inserts.map(pick);
  await sql.query(
    `INSERT INTO spans
       (project_id, span_id, trace_id, parent_span_id, name, search_name, kind, start_time, end_time, metadata,
        input_value, output_value, input_preview, attributes)
     SELECT $1, i.span_id, i.trace_id, i.parent_span_id, i.name, i.search_name, i.kind, i.start_time, i.end_time,
       i.metadata, i.input_value, i.output_value, i.input_preview, i.attributes
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::jsonb[], $11::text[], $12::text[], $13::text[], $14::jsonb[])
       AS i (span_id, trace_id, parent_span_id, name, search_name, kind, start_time, end_time, metadata,
         input_value, output_value, input_preview, attributes)`,
    [
      projectId,
      column(({ span }) => span.spanId),
      column(({ span }) => span.traceId),
      column(({ span }) => span.parentSpanId),
      column(({ span }) => span.name),
      column(({ span }) => searchForm(span.name)),
      column(({ span }) => span.kind),
      column(({ span }) => span.startTime),
      column(({ span }) => span.endTime),
      column(({ metadata }) => jsonParam(metadata)),
      column(({ span }) => span.input ?? null),
      column(({ span }) => span.output ?? null),
      column(({ span }) => textPreview(span.input)),
      column(({ span }) => jsonParam(span.attributes ?? {})),
    ],
  );
}

/** Records keys' types in the project's registry and how many more spans hold them. */
export async function upsertFields(
  sql: Sql,
  projectId: number,
  fields: readonly FieldWrite[],
): Promise<void> {
  if (fields.length === 0) return;
  await sql.query(
    `INSERT INTO fields (project_id, key, type, span_count)
     SELECT $1, f.key, f.type, f.added FROM unnest($2::text[], $3::text[], $4::bigint[]) AS f (key, type, added)
     ON CONFLICT (project_id, key)
     DO UPDATE SET type = excluded.type, span_count = fields.span_count + excluded.span_count`,
    [
      projectId,
      fields.map((field) => field.key),
      fields.map((field) => field.type),
      fields.map((field) => field.addedSpans),
    ],
  );
}

/** Changes how many spans hold keys (a revert removes and restores keys); never below zero. */
export async function addFieldSpans(
  sql: Sql,
  projectId: number,
  spanCounts: ReadonlyMap<string, number>,
): Promise<void> {
  if (spanCounts.size === 0) return;
  await sql.query(
    `UPDATE fields f SET span_count = greatest(0, f.span_count + d.delta)
     FROM unnest($2::text[], $3::bigint[]) AS d (key, delta)
     WHERE f.project_id = $1 AND f.key = d.key`,
    [projectId, [...spanCounts.keys()], [...spanCounts.values()]],
  );
}
