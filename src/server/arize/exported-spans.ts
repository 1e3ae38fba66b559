import { DataType, type RecordBatch, type Vector } from 'apache-arrow';
import type { IncomingSpan } from '@/server/patch/plan-ingest';

/**
 * The columns of Arize's spans export that Spanpatch reads, as the SDK names them (`spans/columns.py`) and as its
 * `_exporter/parsers/tracing_data_parser.py` reads them: IDs, parent, name, kind (the OpenInference attribute, else
 * the root `span_kind`), start and end time (nanoseconds since the epoch, or an Arrow timestamp), and the
 * `attributes.metadata` JSON text. Any other column is not read.
 */
export const EXPORT_COLUMNS = {
  spanId: 'context.span_id',
  traceId: 'context.trace_id',
  parentId: 'parent_id',
  name: 'name',
  kind: 'attributes.openinference.span.kind',
  rootKind: 'span_kind',
  startTime: 'start_time',
  endTime: 'end_time',
  metadata: 'attributes.metadata',
} as const;

/** The latest time a JavaScript Date holds, in milliseconds. */
const MAX_MILLIS = 8.64e15;

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return null;
}

/**
 * An exported time as ISO 8601 (milliseconds, as OTLP ingest keeps them): an Arrow timestamp (apache-arrow reads
 * it as milliseconds), an integer (nanoseconds since the epoch, as the SDK's parser reads it), or ISO text.
 */
function isoTime(vector: Vector | null, index: number): string | null {
  if (!vector) return null;
  const value: unknown = vector.get(index);
  if (value === null || value === undefined) return null;
  let millis: number;
  if (DataType.isTimestamp(vector.type) || DataType.isDate(vector.type)) {
    millis = value instanceof Date ? value.getTime() : Math.trunc(Number(value));
  } else if (typeof value === 'bigint') {
    millis = Number(value / 1_000_000n);
  } else if (typeof value === 'number') {
    millis = Math.trunc(value / 1_000_000);
  } else if (typeof value === 'string') {
    millis = Date.parse(value);
  } else {
    return null;
  }
  if (!Number.isFinite(millis) || millis <= 0 || millis > MAX_MILLIS) return null;
  return new Date(millis).toISOString();
}

/** A plain JavaScript value of an exported cell (a struct as an object, a list as an array). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') {
    return plain((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

/** The spans of one exported record batch, and how many rows had no span ID or trace ID (left out). */
export function spansOfRecordBatch(batch: RecordBatch): { spans: IncomingSpan[]; skipped: number } {
  const column = (name: string) => batch.getChild(name);
  const spanIds = column(EXPORT_COLUMNS.spanId);
  const traceIds = column(EXPORT_COLUMNS.traceId);
  const parentIds = column(EXPORT_COLUMNS.parentId);
  const names = column(EXPORT_COLUMNS.name);
  const kinds = column(EXPORT_COLUMNS.kind);
  const rootKinds = column(EXPORT_COLUMNS.rootKind);
  const starts = column(EXPORT_COLUMNS.startTime);
  const ends = column(EXPORT_COLUMNS.endTime);
  const metadata = column(EXPORT_COLUMNS.metadata);
  const spans: IncomingSpan[] = [];
  let skipped = 0;
  for (let index = 0; index < batch.numRows; index += 1) {
    const spanId = text(spanIds?.get(index))?.trim() ?? '';
    const traceId = text(traceIds?.get(index))?.trim() ?? '';
    if (spanId === '' || traceId === '') {
      skipped += 1;
      continue;
    }
    const parent = text(parentIds?.get(index))?.trim() ?? '';
    const kind = text(kinds?.get(index))?.trim() || text(rootKinds?.get(index))?.trim() || 'UNSPECIFIED';
    const meta: unknown = metadata?.get(index);
    spans.push({
      spanId,
      traceId,
      parentSpanId: parent === '' ? null : parent,
      name: text(names?.get(index)) ?? '',
      kind: kind.toUpperCase(),
      startTime: isoTime(starts, index) ?? new Date(0).toISOString(),
      endTime: isoTime(ends, index),
      // NOTE: JSON text as Arize exports it ('' means none, as the SDK's parser reads it), or a struct.
      metadata:
        meta === null || meta === undefined || meta === ''
          ? undefined
          : typeof meta === 'string'
            ? meta
            : plain(meta),
    });
  }
  return { spans, skipped };
}
