import { z } from 'zod';
import { patchResponseSchema } from '@/core/api';
import { columnSettingsSchema } from '@/core/columns';
import { sheetSourceSchema } from '@/core/draft';
import type { CellValue } from '@/core/import';
import type { StoredPatch } from '@/core/patch';
import { retrySpanIds, type SubmissionOutcome } from './submission-outcome';

// The last submission's outcome as autosave keeps it, repaired or refused when it comes back (SPEC §9).

/** The format autosave writes the last submission in; a newer one is refused, not guessed. */
export const SUBMISSION_OUTCOME_FORMAT = 1;

/** The outcome as autosave stores it (IndexedDB keeps Maps, bigints and nested values as they are). */
export type StoredOutcome = SubmissionOutcome & { format: number };

/** The record autosave keeps for an outcome. */
export function storedOutcomeOf(outcome: SubmissionOutcome): StoredOutcome {
  return { ...outcome, format: SUBMISSION_OUTCOME_FORMAT };
}

const count = z.number().int().nonnegative();
const cellSchema = z.custom<CellValue>((value) => typeof value !== 'function' && typeof value !== 'symbol');

function isStoredPatch(value: unknown): value is StoredPatch {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(
    (item) =>
      item === null || typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item)),
  );
}

// NOTE: a patch is checked, never rebuilt: Retry must send it byte for byte as it was first sent, so the server
// recognises the batch by its Idempotency-Key and body.
const storedPatchSchema = z.custom<StoredPatch>(
  isStoredPatch,
  'a patch must be an object of text, number or null values',
);

const aggregatedResponseSchema = patchResponseSchema.extend({
  not_sent: z.array(z.string()),
  undelivered_batches: z.array(z.object({ idempotency_key: z.string(), span_ids: z.array(z.string()) })),
});

const outcomeSchema = z
  .object({
    format: z.literal(SUBMISSION_OUTCOME_FORMAT),
    project: z.string().min(1),
    label: z.string(),
    source: sheetSourceSchema,
    startedAt: z.string(),
    finishedAt: z.string(),
    cancelled: z.boolean(),
    result: aggregatedResponseSchema,
    blocked: z.array(z.object({ span_id: z.string(), error_message: z.string() })),
    columns: z.array(columnSettingsSchema),
    spans: z.map(z.string(), z.object({ rows: z.array(count.min(1)), cells: z.array(z.array(cellSchema)) })),
    patches: z.map(z.string(), storedPatchSchema),
    skippedUpToDate: count,
    // NOTE: saved before spans could be left out: none were.
    leftOut: z.array(z.object({ span_id: z.string(), error_message: z.string() })).default([]),
    lastRetry: z
      .object({
        finishedAt: z.string(),
        sent: count,
        undelivered: count,
        notSent: count,
        failure: z.string().nullable(),
      })
      .nullable(),
  })
  .superRefine((outcome, context) => {
    const { result } = outcome;
    const problem = (message: string) => context.addIssue({ code: 'custom', message });
    if (result.spans_updated + result.spans_failed !== result.spans_processed)
      problem('its counts do not add up (updated + failed is not processed)');
    if (result.errors.length !== result.spans_failed)
      problem('it lists a different number of failures than it counts');
    if (result.spans_unchanged > result.spans_updated)
      problem('it counts more spans already up to date than updated');
    const width = outcome.columns.length;
    for (const source of outcome.spans.values()) {
      if (
        source.cells.length !== source.rows.length ||
        source.cells.some((cells) => cells.length !== width)
      ) {
        problem('its saved rows do not match its columns');
        break;
      }
    }
    if (retrySpanIds(result).some((spanId) => !outcome.patches.has(spanId)))
      problem('a span Retry would send has no saved patch');
    if (outcome.leftOut.some((error) => !outcome.patches.has(error.span_id)))
      problem('a span left out has no saved patch');
  });

/** What `restoreOutcome` made of a stored record: the outcome, or why it cannot be used. */
export type OutcomeRestore = { ok: true; outcome: SubmissionOutcome } | { ok: false; reason: string };

/**
 * Turns what the browser's storage holds into the last submission's outcome, checked at the boundary: a record
 * of another shape, of a newer format, or whose figures contradict each other is refused with the reason in
 * plain words (the server's History still has the submission), never half-read.
 */
export function restoreOutcome(raw: unknown): OutcomeRestore {
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'It is not a saved submission.' };
  const format: unknown = (raw as { format?: unknown }).format;
  if (typeof format === 'number' && format > SUBMISSION_OUTCOME_FORMAT) {
    return {
      ok: false,
      reason: `It was saved by a newer version of Spanpatch (format ${format}); this version reads format ${SUBMISSION_OUTCOME_FORMAT}.`,
    };
  }
  const parsed = outcomeSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `It is damaged: ${describeDamage(parsed.error)}.` };
  const { format: _format, ...outcome } = parsed.data;
  return { ok: true, outcome };
}

/** What is wrong with a stored outcome, in words: the first few problems, each with where it is when known. */
function describeDamage(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}
