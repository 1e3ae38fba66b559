import { Presets, SingleBar } from 'cli-progress';
import type { SubmissionProgress } from '@/client';
import { count, countOf } from './format';
import type { Terminal } from './terminal';

/** Shows a submission's progress as the client reports it. */
export interface ProgressReporter {
  update(progress: SubmissionProgress): void;
  /** Ends the display (the bar stays at where it stopped). */
  stop(): void;
}

/** How often a line is written when standard error is not a terminal (a log, a CI job). */
export const PROGRESS_LINE_INTERVAL_MS = 2000;

/** Spans delivered per second since the start. */
function rate(progress: SubmissionProgress, startedAt: number): number {
  const seconds = Math.max(0.001, (performance.now() - startedAt) / 1000);
  return Math.round(progress.spansDone / seconds);
}

/**
 * The progress line of the app's submit bar, in text: "Submitting to demo: 20,000 of 39,733 spans delivered
 * (4 of 8 batches) · 1 batch failed (5,000 spans not delivered) · 1,234 spans/s".
 */
export function progressLine(project: string, progress: SubmissionProgress, spansPerSecond: number): string {
  const parts = [
    `Submitting to ${project}: ${count(progress.spansDone)} of ${countOf(progress.spansTotal, 'span')} delivered` +
      (progress.batchesTotal > 1
        ? ` (${count(progress.batchesDone)} of ${countOf(progress.batchesTotal, 'batch', 'batches')})`
        : ''),
  ];
  if (progress.batchesFailed > 0) {
    parts.push(
      `${countOf(progress.batchesFailed, 'batch', 'batches')} failed (${countOf(progress.spansUndelivered, 'span')} not delivered)`,
    );
  }
  parts.push(`${count(spansPerSecond)} spans/s`);
  return parts.join(' · ');
}

/** What a retry announcement says: which batch, when, and why. */
function retryLine(retrying: NonNullable<SubmissionProgress['retrying']>): string {
  const seconds = (retrying.delayMs / 1000).toFixed(1);
  return `Retrying batch ${retrying.batch + 1} in ${seconds} s (attempt ${retrying.attempt + 1}): ${retrying.reason}`;
}

/**
 * A progress bar (`cli-progress`) when standard error is a terminal; otherwise a line every couple of seconds and
 * one at the end, so a log shows the submission moving without a line per batch. Retries are always said.
 */
export function createProgressReporter(terminal: Terminal, project: string, total: number): ProgressReporter {
  const startedAt = performance.now();
  const paint = terminal.paintNote;
  if (terminal.io.stderr.isTTY === true) {
    const bar = new SingleBar(
      {
        // NOTE: the bar drives the terminal itself (it moves the cursor), so it gets the raw stream; what it
        // shows is made printable here instead.
        stream: terminal.io.stderr.raw as NodeJS.WritableStream,
        format: `Submitting to ${terminal.io.stderr.printable(project)} {bar} {percentage}% · {done} of {all} spans · {rate} spans/s{failed}`,
        hideCursor: true,
        barsize: 30,
        fps: 10,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    const payload = (progress: SubmissionProgress) => ({
      done: count(progress.spansDone),
      all: count(progress.spansTotal),
      rate: count(rate(progress, startedAt)),
      failed:
        progress.batchesFailed > 0
          ? terminal.io.stderr.printable(
              paint('red', ` · ${countOf(progress.spansUndelivered, 'span')} not delivered`),
            )
          : '',
    });
    const initial: SubmissionProgress = {
      spansDone: 0,
      spansTotal: total,
      batchesDone: 0,
      batchesFailed: 0,
      spansUndelivered: 0,
      batchesTotal: 0,
      spansUpdated: 0,
      spansFailed: 0,
      retries: 0,
      retrying: null,
    };
    bar.start(total, 0, payload(initial));
    let stopped = false;
    return {
      update(progress) {
        if (stopped) return;
        // The total shrinks as the spans already up to date are found and left out.
        if (progress.spansTotal !== bar.getTotal()) bar.setTotal(progress.spansTotal);
        bar.update(progress.spansDone + progress.spansUndelivered, payload(progress));
        if (progress.retrying) {
          // NOTE: cli-progress redraws on its own line; a retry is said on a line of its own above it.
          terminal.io.stderr.raw.write('\r\x1b[2K');
          terminal.note(paint('yellow', retryLine(progress.retrying)));
        }
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }
  let last: SubmissionProgress | null = null;
  let lastLineAt = performance.now();
  let stopped = false;
  return {
    update(progress) {
      if (stopped) return;
      last = progress;
      if (progress.retrying) terminal.note(retryLine(progress.retrying));
      const now = performance.now();
      if (now - lastLineAt >= PROGRESS_LINE_INTERVAL_MS) {
        lastLineAt = now;
        terminal.note(progressLine(project, progress, rate(progress, startedAt)));
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (last !== null && last.spansTotal > 0)
        terminal.note(progressLine(project, last, rate(last, startedAt)));
    },
  };
}
