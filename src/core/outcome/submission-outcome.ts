import {
  type AggregatedResponse,
  ERROR_TYPES,
  type ErrorType,
  formatErrorMessage,
  isRefusalType,
  parseErrorMessage,
  type RefusalType,
  type SpanError,
} from '@/core/api';
import type { ColumnSettings } from '@/core/columns';
import type { SheetDraftSource } from '@/core/draft';
import type { CellValue } from '@/core/import';
import {
  describeLocation,
  ERROR_CODES,
  type ErrorCode,
  errorTypeOfIssue,
  type Issue,
  issueMessage,
} from '@/core/issues';
import type { SpanPrediction, StoredPatch, StoredSpanPatch } from '@/core/patch';
import type { SheetModel } from '@/core/sheet';

/**
 * The browser's own view of the last submission (SPEC §9): what the server answered, what never reached it,
 * what the sheet blocked, and enough of the sheet to export, fix and retry, kept beside the sheet draft so
 * Results survive a reload and say which sheet they belong to.
 */

/** The rows a span came from (1-based, in sheet order) and their cells, aligned with the outcome's columns. */
export interface SourceRows {
  rows: number[];
  cells: CellValue[][];
}

/** What the last Retry of a submission did, so a Retry that fails again says so plainly. */
export interface RetryReport {
  finishedAt: string;
  /** Spans the Retry sent (again, or for the first time after a cancel). */
  sent: number;
  /** Of those, spans that still could not be delivered (connection_failure). */
  undelivered: number;
  /** Spans the Retry did not send because it was cancelled. */
  notSent: number;
  /** What happened to the undelivered ones, in the client's words (the first connection_failure); else null. */
  failure: string | null;
}

/** The last submission, as Results shows it and autosave keeps it. */
export interface SubmissionOutcome {
  project: string;
  /** The label the submission was sent with: the file name, or "Edited sheet" (SPEC §9). */
  label: string;
  /** The sheet it was submitted from, as it was named then. */
  source: SheetDraftSource;
  startedAt: string;
  finishedAt: string;
  /** True when the user cancelled the last run (Submit or Retry). */
  cancelled: boolean;
  /** The client's aggregated answer: the server's counts plus undelivered batches and spans not sent. */
  result: AggregatedResponse;
  /** Spans the sheet blocked (errors, never sent), one `[type] Blocked before sending: …` message each. */
  blocked: SpanError[];
  /** The sheet's columns when it was submitted, for exporting and fixing rows. */
  columns: ColumnSettings[];
  /** The sheet rows of every failed, blocked or unsent span, as they were submitted. */
  spans: Map<string, SourceRows>;
  /** The patch each undelivered or unsent span was sent with: Retry sends exactly these again. */
  patches: Map<string, StoredPatch>;
  /** Spans left out because the server already had every value as asked (Preview's "Already up to date"). */
  skippedUpToDate: number;
  /**
   * Spans the user left out because Preview predicted them to fail, never sent: one
   * `[type] Left out, predicted to fail: …` message each. Their patches are kept: they can be sent later.
   */
  leftOut: SpanError[];
  lastRetry: RetryReport | null;
}

/** One row of the failures table: a span that failed on the server, was never delivered, or was blocked. */
export interface FailedSpan {
  spanId: string;
  type: ErrorType;
  message: string;
  /** 1-based rows of the sheet the span came from. */
  rows: number[];
  /** True when the sheet blocked it: it was never sent. */
  blocked: boolean;
  /** True when the user left it out, predicted to fail: it was not sent (yet). */
  leftOut?: boolean;
}

/** A count of the type filter: all spans of the type, and how many of them the sheet blocked. */
export interface ErrorTypeCount {
  type: ErrorType;
  count: number;
  blocked: number;
}

/**
 * The figures of the Results summary. They add up: `sent = updated + failed`; `failed` and `blocked` are the
 * failures table's rows and the type filters' counts; `server` is what the server recorded for the submission,
 * which History shows (the spans never delivered, and those the server refused whole, are the difference).
 */
export interface OutcomeSummary {
  /** Spans sent, delivered or not: updated + failed. */
  sent: number;
  updated: number;
  /** Of the updated, those already stored as asked (the server changed nothing). */
  alreadyUpToDate: number;
  /** Failed on the server or never delivered. */
  failed: number;
  /** Of the failed, those never delivered (connection_failure). */
  neverDelivered: number;
  /**
   * Of the failed, those the server refused whole (`REFUSAL_TYPES`): because the submission was reverted while it
   * was still sending, or for the API key (none, wrong, or read-only). Nothing of them was applied or recorded,
   * and a Retry would be refused the same.
   */
  refused: number;
  /** Blocked by the sheet's errors, never sent. */
  blocked: number;
  /** Not sent because the user cancelled. */
  notSent: number;
  /** Left out by the user, predicted to fail: not sent (yet). */
  leftOut: number;
  /** Rows of the failures table: failed + blocked + left out. */
  listed: number;
  /** The server's totals for this submission, as History lists them. */
  server: { processed: number; updated: number; unchanged: number; failed: number };
}

/** Words that start the message of a span the sheet blocked. */
export const BLOCKED_BEFORE_SENDING = 'Blocked before sending';

/** Words that start the message of a span the user left out because Preview predicted it to fail. */
export const LEFT_OUT_PREDICTED = 'Left out, predicted to fail';

/**
 * The spans a Submit leaves out because Preview predicted them to fail, each as a span error of the predicted
 * type: `[segment_not_found] Left out, predicted to fail: …`, so Results lists them with their reason.
 */
export function leftOutSpanErrors(
  predicted: Iterable<[spanId: string, failure: NonNullable<SpanPrediction['failure']>]>,
): SpanError[] {
  return [...predicted].map(([spanId, failure]) => ({
    span_id: spanId,
    error_message: formatErrorMessage(failure.type, `${LEFT_OUT_PREDICTED}: ${failure.message}`),
  }));
}

/**
 * The outcome made ready to send the spans left out (predicted to fail) after all: they become spans not sent
 * of the submission, which a Retry sends with the patches kept for them.
 */
export function includeLeftOut(outcome: SubmissionOutcome): SubmissionOutcome {
  if (outcome.leftOut.length === 0) return outcome;
  const spanIds = outcome.leftOut.map((error) => error.span_id);
  return {
    ...outcome,
    result: { ...outcome.result, not_sent: [...outcome.result.not_sent, ...spanIds] },
    leftOut: [],
  };
}

const errorCodes: ReadonlySet<string> = new Set(ERROR_CODES);

function isErrorIssue(issue: Issue): issue is Issue & { code: ErrorCode } {
  return errorCodes.has(issue.code);
}

/**
 * The spans a sheet blocks (SPEC §9), each as a span error of the type the server would have given it
 * (`errorTypeOfIssue`): `[parse_failure] Blocked before sending: Row 5, column patch_document: …`. Empty when
 * the sheet as a whole is blocked (then nothing can be submitted at all).
 */
export function blockedSpanErrors(model: SheetModel): SpanError[] {
  if (model.sheetIssues.length > 0) return [];
  const errors: SpanError[] = [];
  for (const spanId of model.spanIds()) {
    if (model.spanStatus(spanId) !== 'blocked') continue;
    const span = model.span(spanId);
    if (!span) continue;
    const issues = [...span.rows.flatMap((row) => model.rowResult(row - 1).issues), ...span.issues].filter(
      isErrorIssue,
    );
    const first = issues[0];
    if (!first) continue;
    const more = issues.length - 1;
    const detail =
      `${BLOCKED_BEFORE_SENDING}: ${describeLocation(first)}: ${issueMessage(first)}` +
      (more > 0 ? ` (and ${more.toLocaleString('en-US')} more ${more === 1 ? 'error' : 'errors'})` : '');
    errors.push({ span_id: spanId, error_message: formatErrorMessage(errorTypeOfIssue(first.code), detail) });
  }
  return errors;
}

/** The span IDs a Retry sends: those of the undelivered batches (as they were), then those not sent. */
export function retrySpanIds(result: AggregatedResponse): string[] {
  return [...result.undelivered_batches.flatMap((batch) => batch.span_ids), ...result.not_sent];
}

/** What a finished Submit is made into: the outcome, with the rows and patches it needs kept from the sheet. */
export interface OutcomeInput {
  /** The sheet as it was submitted (read-only while the submission ran). */
  model: SheetModel;
  /** The spans sent, with their patches. */
  sent: readonly StoredSpanPatch[];
  /** The spans the sheet blocked (`blockedSpanErrors`), taken when the submission started. */
  blocked: SpanError[];
  result: AggregatedResponse;
  project: string;
  label: string;
  source: SheetDraftSource;
  startedAt: string;
  finishedAt: string;
  cancelled: boolean;
  /** Spans left out because the server already had them as asked. */
  skippedUpToDate?: number;
  /** Spans the user left out, predicted to fail (`leftOutSpanErrors`), with the patches to send them later. */
  leftOut?: { errors: SpanError[]; patches: readonly StoredSpanPatch[] };
}

/**
 * The outcome of a Submit: keeps the sheet rows and cells of every span that failed, was blocked or was not
 * sent (for Export and Fix in sheet), and the patches of those Retry sends again, nothing of the spans updated.
 */
export function buildOutcome(input: OutcomeInput): SubmissionOutcome {
  const { model, result } = input;
  const leftOut = input.leftOut ?? { errors: [], patches: [] };
  const listed = new Set([
    ...result.errors.map((error) => error.span_id),
    ...result.not_sent,
    ...input.blocked.map((error) => error.span_id),
    ...leftOut.errors.map((error) => error.span_id),
  ]);
  const columns = [...model.columns];
  const spans = new Map<string, SourceRows>();
  for (const spanId of listed) {
    const rows = model.spanRowNumbers(spanId);
    spans.set(spanId, {
      rows,
      cells: rows.map((row) => columns.map((column) => model.cell(row - 1, column.id))),
    });
  }
  const retried = new Set(retrySpanIds(result));
  const patches = new Map<string, StoredPatch>();
  for (const span of input.sent)
    if (retried.has(span.span_id)) patches.set(span.span_id, span.patch_document);
  for (const span of leftOut.patches) patches.set(span.span_id, span.patch_document);
  return {
    project: input.project,
    label: input.label,
    source: { name: input.source.name, kind: input.source.kind },
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    cancelled: input.cancelled || result.not_sent.length > 0,
    result,
    blocked: input.blocked,
    columns,
    spans,
    patches,
    skippedUpToDate: input.skippedUpToDate ?? 0,
    leftOut: leftOut.errors,
    lastRetry: null,
  };
}

/**
 * The outcome after a Retry in the same submission: the retried spans' old outcome (connection_failure, or not
 * sent) is replaced by the new one, so every count stays true; rows and patches no longer needed are let go.
 */
export function mergeRetry(
  outcome: SubmissionOutcome,
  retry: AggregatedResponse,
  finishedAt: string,
  cancelled: boolean,
): SubmissionOutcome {
  const previous = outcome.result;
  // NOTE: an undelivered batch that a cancelled Retry never sent stays as it was (undelivered, with its
  // Idempotency-Key): its outcome may still be unknown, so only a resend under the same key is safe.
  const retryNotSent = new Set(retry.not_sent);
  const untouched = new Set(
    previous.undelivered_batches
      .filter((batch) => batch.span_ids.every((spanId) => retryNotSent.has(spanId)))
      .flatMap((batch) => batch.span_ids),
  );
  const retried = new Set(retrySpanIds(previous).filter((spanId) => !untouched.has(spanId)));
  const kept = previous.errors.filter((error) => !retried.has(error.span_id));
  const replaced = previous.errors.length - kept.length;
  const result: AggregatedResponse = {
    spans_processed: previous.spans_processed - replaced + retry.spans_processed,
    spans_updated: previous.spans_updated + retry.spans_updated,
    spans_unchanged: previous.spans_unchanged + retry.spans_unchanged,
    spans_failed: previous.spans_failed - replaced + retry.spans_failed,
    errors: [...kept, ...retry.errors],
    submission_id: previous.submission_id || retry.submission_id,
    not_sent: [
      ...previous.not_sent.filter((spanId) => !retried.has(spanId)),
      ...retry.not_sent.filter((spanId) => !untouched.has(spanId)),
    ],
    undelivered_batches: [
      ...previous.undelivered_batches.filter(
        (batch) => !batch.span_ids.some((spanId) => retried.has(spanId)),
      ),
      ...retry.undelivered_batches,
    ],
  };
  const undelivered = retry.errors.filter(
    (error) => parseErrorMessage(error.error_message).type === 'connection_failure',
  );
  const firstUndelivered = undelivered[0];
  const listed = new Set([
    ...result.errors.map((error) => error.span_id),
    ...result.not_sent,
    ...outcome.blocked.map((error) => error.span_id),
    ...outcome.leftOut.map((error) => error.span_id),
  ]);
  const stillRetried = new Set([...retrySpanIds(result), ...outcome.leftOut.map((error) => error.span_id)]);
  return {
    ...outcome,
    finishedAt,
    cancelled: cancelled || result.not_sent.length > 0,
    result,
    spans: new Map([...outcome.spans].filter(([spanId]) => listed.has(spanId))),
    patches: new Map([...outcome.patches].filter(([spanId]) => stillRetried.has(spanId))),
    lastRetry: {
      finishedAt,
      sent: retry.spans_processed,
      undelivered: undelivered.length,
      notSent: retry.not_sent.length,
      failure: firstUndelivered ? parseErrorMessage(firstUndelivered.error_message).detail : null,
    },
  };
}

/**
 * The failures table's rows: the spans that failed on the server or were never delivered (in the order of the
 * answer), then the spans the sheet blocked (in sheet order), each with its type and sheet rows.
 */
export function outcomeFailures(outcome: SubmissionOutcome): FailedSpan[] {
  const failure = (error: SpanError, blocked: boolean): FailedSpan => ({
    spanId: error.span_id,
    type: parseErrorMessage(error.error_message).type,
    message: error.error_message,
    rows: outcome.spans.get(error.span_id)?.rows ?? [],
    blocked,
  });
  return [
    ...outcome.result.errors.map((error) => failure(error, false)),
    ...outcome.blocked.map((error) => failure(error, true)),
    ...outcome.leftOut.map((error) => ({ ...failure(error, false), leftOut: true })),
  ];
}

/**
 * Every span of an outcome that was not applied, each once: those that failed on the server or were never
 * delivered (whether the server applied them is unknown, in flight at a cancel included), those the sheet blocked,
 * then those not sent. What a file of the rows to fix and submit again holds.
 */
export function notAppliedSpanIds(outcome: SubmissionOutcome): string[] {
  return [
    ...new Set([
      ...outcome.result.errors.map((error) => error.span_id),
      ...outcome.blocked.map((error) => error.span_id),
      ...outcome.leftOut.map((error) => error.span_id),
      ...outcome.result.not_sent,
    ]),
  ];
}

/**
 * The type filters' counts (SPEC §8): always the six known types, then any other type present in order of first
 * appearance; each counts the failed and the blocked spans of its type, and says how many were blocked.
 */
export function errorTypeCounts(outcome: SubmissionOutcome): ErrorTypeCount[] {
  const counts = new Map<string, ErrorTypeCount>(
    ERROR_TYPES.map((type) => [type, { type, count: 0, blocked: 0 }]),
  );
  const add = (error: SpanError, blocked: boolean) => {
    const { type } = parseErrorMessage(error.error_message);
    let entry = counts.get(type);
    if (!entry) {
      entry = { type, count: 0, blocked: 0 };
      counts.set(type, entry);
    }
    entry.count++;
    if (blocked) entry.blocked++;
  };
  for (const error of outcome.result.errors) add(error, false);
  for (const error of outcome.blocked) add(error, true);
  for (const error of outcome.leftOut) add(error, false);
  return [...counts.values()];
}

/**
 * Why the server refused spans whole (`REFUSAL_TYPES`: their submission was reverted while it was still sending,
 * SPEC §9; or the API key was missing, wrong or read-only, SPEC §12): the type and the server's words without the
 * `[type]`, of the first refused span; null when it refused none.
 */
export function refusalOf(outcome: SubmissionOutcome): { type: RefusalType; message: string } | null {
  for (const error of outcome.result.errors) {
    const { type, detail } = parseErrorMessage(error.error_message);
    if (isRefusalType(type)) return { type, message: detail };
  }
  return null;
}

/** The figures of the Results summary, computed once from the outcome so every view shows the same numbers. */
export function summarizeOutcome(outcome: SubmissionOutcome): OutcomeSummary {
  const { result } = outcome;
  const typeCount = (matches: (type: ErrorType) => boolean) =>
    result.errors.filter((error) => matches(parseErrorMessage(error.error_message).type)).length;
  const neverDelivered = typeCount((type) => type === 'connection_failure');
  const refused = typeCount(isRefusalType);
  const blocked = outcome.blocked.length;
  return {
    sent: result.spans_processed,
    updated: result.spans_updated,
    alreadyUpToDate: result.spans_unchanged,
    failed: result.spans_failed,
    neverDelivered,
    refused,
    blocked,
    notSent: result.not_sent.length,
    leftOut: outcome.leftOut.length,
    listed: result.errors.length + blocked + outcome.leftOut.length,
    server: {
      processed: result.spans_processed - neverDelivered - refused,
      updated: result.spans_updated,
      unchanged: result.spans_unchanged,
      failed: result.spans_failed - neverDelivered - refused,
    },
  };
}
