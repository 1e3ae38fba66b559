/** The counts of a metadata answer (SPEC §6) that must agree with the request they answer. */
export interface PatchCounts {
  spans_processed: number;
  spans_updated: number;
  spans_failed: number;
  /** Checked only when the answer carries it. */
  spans_unchanged?: number;
  errors: readonly { span_id: string }[];
}

function spanCount(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'span' : 'spans'}`;
}

/**
 * Checks a metadata answer against its request (SPEC §7): every span sent is processed once, updated plus
 * failed make up processed, one error per failed span, each for a span that was sent, and unchanged spans are
 * within the updated ones. Returns null when they agree, else the first contradiction in plain words, so the
 * client counts the batch as a failed delivery rather than adding counts that cannot be true.
 */
export function findResponseContradiction(
  sentSpanIds: readonly string[],
  response: PatchCounts,
): string | null {
  const { spans_processed: processed, spans_updated: updated, spans_failed: failed } = response;
  if (processed !== sentSpanIds.length) {
    return `it counts ${spanCount(processed)} processed, but ${spanCount(sentSpanIds.length)} were sent`;
  }
  if (updated + failed !== processed) {
    return `its ${spanCount(updated)} updated and ${spanCount(failed)} failed do not add up to the ${spanCount(processed)} processed`;
  }
  const unchanged = response.spans_unchanged;
  if (unchanged !== undefined && unchanged > updated) {
    return `it counts ${spanCount(unchanged)} unchanged, more than the ${spanCount(updated)} updated`;
  }
  if (response.errors.length !== failed) {
    const errors = response.errors.length;
    return `it counts ${spanCount(failed)} failed but lists ${errors.toLocaleString('en-US')} ${errors === 1 ? 'error' : 'errors'}`;
  }
  const sent = new Set(sentSpanIds);
  const stranger = response.errors.find((error) => !sent.has(error.span_id));
  if (stranger !== undefined) {
    const shown = stranger.span_id.length > 80 ? `${stranger.span_id.slice(0, 80)}…` : stranger.span_id;
    return `it reports an error for span '${shown}', which was not sent in this request`;
  }
  return null;
}
