import type { SubmissionProgress } from '@/client';
import type { RetryReport } from '@/core/outcome';
import { isUnreachableMessage, unreachableServerText } from '@/core/words';
import { countText } from '@/ui/shared/format';

/** What the progress line needs of a running submission. */
export interface ProgressSnapshot {
  project: string;
  /** Where it is sent, for the one sentence said of a server that cannot be reached. */
  serverUrl?: string;
  kind: 'submit' | 'retry';
  /** When it started and when the last progress report came (ms), for the rate. */
  startedAt: number;
  updatedAt: number;
  progress: SubmissionProgress;
}

/** Spans delivered per second since the start, rounded. */
export function deliveryRate(
  running: Pick<ProgressSnapshot, 'startedAt' | 'updatedAt' | 'progress'>,
): number {
  const seconds = Math.max(0.001, (running.updatedAt - running.startedAt) / 1000);
  return Math.round(running.progress.spansDone / seconds);
}

/**
 * The progress line of a Submit or Retry: spans delivered (only batches the server answered count) and batches
 * that failed apart, e.g. "Submitting to demo: 20,000 of 39,733 spans delivered (4 of 8 batches) · 2 batches
 * failed · 1,234 spans/s".
 */
export function progressText(running: ProgressSnapshot): string {
  const { progress } = running;
  const verb = running.kind === 'retry' ? 'Retrying' : 'Submitting';
  const parts = [
    `${verb} to ${running.project}: ${progress.spansDone.toLocaleString('en-US')} of ${countText(progress.spansTotal, 'span')} delivered` +
      (progress.batchesTotal > 1
        ? ` (${progress.batchesDone.toLocaleString('en-US')} of ${countText(progress.batchesTotal, 'batch', 'batches')})`
        : ''),
  ];
  if (progress.batchesFailed > 0) {
    parts.push(
      `${countText(progress.batchesFailed, 'batch', 'batches')} failed (${countText(progress.spansUndelivered, 'span')} not delivered)`,
    );
  }
  parts.push(`${deliveryRate(running).toLocaleString('en-US')} spans/s`);
  if (progress.retrying) {
    const { batch, reason } = progress.retrying;
    parts.push(
      isUnreachableMessage(reason)
        ? `retrying batch ${batch + 1}: ${unreachableServerText(running.serverUrl)}`
        : `retrying batch ${batch + 1} (${reason})`,
    );
  }
  return parts.join(' · ');
}

/** Why spans could not be delivered, in words: from the client's connection_failure message. */
export function undeliveredReason(failure: string | null): string {
  if (failure === null) return 'the server did not answer';
  if (isUnreachableMessage(failure)) return 'the server is still unreachable';
  if (/^No (complete )?answer from the server within/.test(failure)) {
    return 'the server still does not answer in time';
  }
  if (/^Cancelled while the request was in flight/.test(failure)) {
    return 'the Retry was cancelled while they were on their way, so whether the server applied them is unknown';
  }
  if (/^HTTP 5\d\d/.test(failure)) return `the server still fails (${failure})`;
  return failure;
}

/**
 * What the last Retry did, said plainly: "Retry failed again: 29,733 spans could not be delivered — the server
 * is still unreachable", a cancelled Retry, or how many it delivered. `tone` says how to show it.
 */
export function retryReportText(report: RetryReport): { tone: 'error' | 'warning' | 'ok'; text: string } {
  if (report.undelivered > 0) {
    return {
      tone: 'error',
      text: `Retry failed again: ${countText(report.undelivered, 'span')} could not be delivered — ${undeliveredReason(report.failure)}.`,
    };
  }
  if (report.notSent > 0) {
    return {
      tone: 'warning',
      text: `Retry cancelled: ${countText(report.notSent, 'span')} ${report.notSent === 1 ? 'was' : 'were'} not sent.`,
    };
  }
  return {
    tone: 'ok',
    text: `Retry delivered ${countText(report.sent, 'span')}; the figures above include them.`,
  };
}
