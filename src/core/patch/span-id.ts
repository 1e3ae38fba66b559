import { isSpanIdTooLong } from '@/core/api';
import type { IssueDetails } from '@/core/issues';

export interface NormalizedSpanId {
  /** The ID as it is submitted, or null when the cell is blank. */
  spanId: string | null;
  issues: IssueDetails[];
}

const hex = /^[0-9a-fA-F]+$/;
const otelSpanId = /^[0-9a-f]{16}$/;

/**
 * Normalizes a span ID cell: blank or longer than 256 characters is an error; surrounding whitespace is trimmed and
 * uppercase hex lowercased, each with a warning; an ID that is not 16 hex characters is allowed (as in the SDK) with
 * a warning.
 */
export function normalizeSpanId(cell: unknown): NormalizedSpanId {
  // The common case first: an ID as OpenTelemetry writes it, nothing to say.
  if (typeof cell === 'string' && otelSpanId.test(cell)) return { spanId: cell, issues: [] };
  const raw = spanIdText(cell);
  const issues: IssueDetails[] = [];
  const trimmed = raw.trim();
  if (trimmed === '') return { spanId: null, issues: [{ code: 'missing_span_id' }] };
  if (trimmed !== raw) issues.push({ code: 'span_id_trimmed', original: raw });
  let spanId = trimmed;
  if (hex.test(trimmed) && trimmed !== trimmed.toLowerCase()) {
    spanId = trimmed.toLowerCase();
    issues.push({ code: 'span_id_lowercased', original: trimmed });
  }
  if (isSpanIdTooLong(spanId)) issues.push({ code: 'span_id_too_long', length: spanId.length });
  else if (!otelSpanId.test(spanId)) issues.push({ code: 'span_id_not_otel', spanId });
  return { spanId, issues };
}

function spanIdText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'bigint' || typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}
