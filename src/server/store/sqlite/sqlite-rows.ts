import type { SpanSummary } from '@/core/api';
import type { StoredPatch } from '@/core/patch';

/** A span as the SQLite store reads it for a list. */
export interface SpanRow {
  span_id: string;
  trace_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_time: string;
  metadata: string;
  input_preview: string | null;
}

/** The columns of a `SpanRow`, for a SELECT on `spans`. */
export const spanRowColumns =
  'span_id, trace_id, parent_span_id, name, kind, start_time, metadata, input_preview';

/** A span's metadata as stored (JSON text written by the store itself). */
export function parseMetadata(text: string): StoredPatch {
  return JSON.parse(text) as StoredPatch;
}

/** A span row as the API lists it. */
export function toSpanSummary(row: SpanRow): SpanSummary {
  return {
    span_id: row.span_id,
    trace_id: row.trace_id,
    parent_span_id: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    start_time: row.start_time,
    metadata: parseMetadata(row.metadata),
    input_preview: row.input_preview,
  };
}
