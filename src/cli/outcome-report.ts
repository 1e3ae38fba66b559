import { CANCELLED_IN_FLIGHT } from '@/client/log-metadata';
import {
  errorTypeCounts,
  outcomeFailures,
  type OutcomeSummary,
  refusalOf,
  type SubmissionOutcome,
} from '@/core/outcome';
import { refusalReason } from '@/core/words';
import { count, countOf, rowsText } from './format';
import { type StopSignal, stoppedBy } from './interrupt';
import type { Paint } from './terminal';

/** How many failed or blocked spans are listed one by one before "… and N more". */
const LISTED_FAILURES = 20;

/** Spans of batches a cancel aborted in flight: whether the server applied them is unknown. */
export function inFlightWhenCancelled(outcome: SubmissionOutcome): number {
  return outcome.result.errors.filter((error) => error.error_message.includes(CANCELLED_IN_FLIGHT)).length;
}

/**
 * The Results summary of the app, in text: sent (= updated + failed), updated (of which already up to date),
 * failed (of which never delivered, and refused: after a revert, or for the API key), blocked in the sheet, not sent; what the server recorded (History's totals);
 * the spans left out as up to date; a cancel said plainly; then the failures by type and one by one.
 */
export function outcomeLines(
  outcome: SubmissionOutcome,
  summary: OutcomeSummary,
  paint: Paint,
  { failedOutHint, interrupted }: { failedOutHint: boolean; interrupted: StopSignal | null },
): string[] {
  const id = outcome.result.submission_id;
  const refusal = summary.refused > 0 ? refusalOf(outcome) : null;
  const reason = refusal === null ? null : refusalReason(refusal.type);
  const lines = [
    '',
    `${paint('bold', `Results of ${outcome.label}`)} in project ${outcome.project}` +
      (summary.sent > 0 && id !== '' ? ` (submission ${id})` : ''),
    `  Sent ${count(summary.sent)} · ` +
      `${paint(summary.updated > 0 ? 'green' : 'dim', `Updated ${count(summary.updated)}`)}, of which ${count(summary.alreadyUpToDate)} already up to date · ` +
      `${paint(summary.failed > 0 ? 'red' : 'dim', `Failed ${count(summary.failed)}`)}, of which ${count(summary.neverDelivered)} never delivered` +
      (reason ? `, ${count(summary.refused)} refused (${reason.short})` : '') +
      ' · ' +
      `${paint(summary.blocked > 0 ? 'red' : 'dim', `Blocked in the sheet ${count(summary.blocked)}`)} · ` +
      `${paint(summary.notSent > 0 ? 'yellow' : 'dim', `Not sent ${count(summary.notSent)}`)}`,
  ];
  if (summary.sent > 0) {
    lines.push(
      `  The server received ${countOf(summary.server.processed, 'span')} of this submission ` +
        `(${count(summary.server.updated)} updated, ${count(summary.server.failed)} failed): the totals History shows for it` +
        (summary.neverDelivered > 0
          ? `; the other ${countOf(summary.neverDelivered, 'span')} never reached it`
          : '') +
        (reason
          ? `; ${countOf(summary.refused, 'span')} ${summary.refused === 1 ? 'was' : 'were'} refused because ${reason.because}.`
          : '.'),
    );
  }
  if (outcome.skippedUpToDate > 0) {
    lines.push(
      `  ${countOf(outcome.skippedUpToDate, 'span')} already up to date on the server ${outcome.skippedUpToDate === 1 ? 'was' : 'were'} not sent.`,
    );
  }
  if (outcome.cancelled) lines.push(...cancelLines(outcome, summary, paint, interrupted));
  const failures = outcomeFailures(outcome);
  if (failures.length === 0) return lines;
  const types = errorTypeCounts(outcome)
    .filter((entry) => entry.count > 0)
    .map(
      (entry) =>
        `${entry.type} ${count(entry.count)}${entry.blocked > 0 ? ` (${count(entry.blocked)} blocked)` : ''}`,
    );
  lines.push(
    '',
    `${paint('bold', `Failed and blocked spans (${count(failures.length)})`)}: ${types.join(', ')}`,
  );
  for (const failure of failures.slice(0, LISTED_FAILURES)) {
    const tag = failure.blocked ? paint('red', 'blocked') : paint('red', 'failed ');
    lines.push(`  ${tag} ${failure.spanId} (${rowsText(failure.rows)}): ${failure.message}`);
  }
  if (failures.length > LISTED_FAILURES) {
    lines.push(
      paint(
        'dim',
        `  … and ${count(failures.length - LISTED_FAILURES)} more` +
          (failedOutHint
            ? " (--failed-out FILE.csv writes every one in the file's columns; --json gives every error)"
            : ''),
      ),
    );
  }
  return lines;
}

/** What a Ctrl+C (or a server gone mid-way) left: sent and answered, in flight (unknown), not sent, and how to finish. */
function cancelLines(
  outcome: SubmissionOutcome,
  summary: OutcomeSummary,
  paint: Paint,
  interrupted: StopSignal | null,
): string[] {
  const unknown = inFlightWhenCancelled(outcome);
  const answered = summary.server.processed;
  const parts = [
    `${countOf(answered, 'span')} ${answered === 1 ? 'was' : 'were'} sent and answered (${count(summary.server.updated)} updated, ${count(summary.server.failed)} failed)`,
  ];
  if (unknown > 0) {
    parts.push(
      `${countOf(unknown, 'span')} ${unknown === 1 ? 'was' : 'were'} in flight, so whether the server applied ${unknown === 1 ? 'it' : 'them'} is unknown`,
    );
  }
  parts.push(`${countOf(summary.notSent, 'span')} ${summary.notSent === 1 ? 'was' : 'were'} not sent`);
  return [
    paint(
      'yellow',
      `  ${interrupted === null ? 'Stopped before the end' : stoppedBy(interrupted)}: ${parts.join('; ')}.`,
    ),
    '  Run the same command again to send the rest: spans the server already has as asked are left out as up to date.',
  ];
}
