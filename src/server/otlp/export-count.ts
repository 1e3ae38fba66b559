/** Most spans one OTLP export may hold (SPEC §6); more is a 413 before the rest of the body is read. */
export const MAX_SPANS_PER_EXPORT = 100_000;
/**
 * Most values one span may hold, counted as JSON values or protobuf fields at any depth (its fields, attributes,
 * and the parts of each attribute value). NOTE: not a rule of SPEC.md but a bound on the time and memory decoding
 * takes: a body of empty values is tiny compressed, yet each value becomes an object (about 100 bytes), and a span
 * is decoded in one go. A span with ten embedding vectors of 3,072 numbers holds about 60,000.
 */
export const MAX_VALUES_PER_SPAN = 100_000;
/**
 * Most values an export may hold outside its spans (resources, scopes, their attributes, fields ingest does not
 * read), counted as above. NOTE: a bound for the same reason, as what is outside the spans is decoded in one go;
 * a thousand resources of twenty attributes each fit.
 */
export const MAX_VALUES_OUTSIDE_SPANS = 100_000;

/** What an export holds so far, counted as its body streams in. */
export interface ExportTally {
  readonly spans: number;
  /** Values (JSON values, or protobuf fields) outside any span. */
  readonly valuesOutsideSpans: number;
  /** The number (1 is the first) of the first span seen to hold more than MAX_VALUES_PER_SPAN values, or null. */
  readonly crowdedSpan: number | null;
}

/** An export's tally, counted as its body streams in. */
export interface ExportCount extends ExportTally {
  /** Counts the next decoded bytes of the body. */
  add(chunk: Uint8Array): void;
}

/** Why an export holds too much to be decoded (a 413), or null while it is within the limits. */
export function exportLimitExceeded(tally: ExportTally): string | null {
  if (tally.spans > MAX_SPANS_PER_EXPORT) {
    return `The export holds more than ${MAX_SPANS_PER_EXPORT.toLocaleString('en-US')} spans, the limit per request; send fewer spans per export (a smaller batch size in the exporter)`;
  }
  if (tally.crowdedSpan !== null) {
    return `Span ${tally.crowdedSpan.toLocaleString('en-US')} of the export holds more than ${MAX_VALUES_PER_SPAN.toLocaleString('en-US')} values (its attributes and the parts of their values), the limit per span`;
  }
  if (tally.valuesOutsideSpans > MAX_VALUES_OUTSIDE_SPANS) {
    return `The export holds more than ${MAX_VALUES_OUTSIDE_SPANS.toLocaleString('en-US')} values outside its spans (resources, scopes and their attributes), the limit per request`;
  }
  return null;
}

/** Counts spans, and values inside and outside them: the part the protobuf and JSON counters share. */
export abstract class Tally implements ExportTally {
  spans = 0;
  valuesOutsideSpans = 0;
  crowdedSpan: number | null = null;
  private valuesInSpan = 0;

  protected startSpan(): void {
    this.spans++;
    this.valuesInSpan = 0;
  }

  protected countValue(inSpan: boolean): void {
    if (!inSpan) {
      this.valuesOutsideSpans++;
    } else if (++this.valuesInSpan > MAX_VALUES_PER_SPAN && this.crowdedSpan === null) {
      this.crowdedSpan = this.spans;
    }
  }
}
