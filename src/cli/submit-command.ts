import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { AggregatedResponse } from '@/core/api';
import { blockedSpanErrors, buildOutcome, summarizeOutcome } from '@/core/outcome';
import { sheetStatus, SHEET_ISSUE_HINT } from './check-command';
import {
  addServerOption,
  addSheetOptions,
  type CommandContext,
  EXIT_STATUS_HELP,
  integerAtLeast,
  SERVER_ENVIRONMENT_HELP,
  type ServerOptions,
  type SheetOptions,
} from './command-options';
import { confirm } from './confirm';
import { projectTargetLine } from './project-target';
import { connectionFrom } from './connection';
import { EXIT } from './exit-status';
import { erroneousRowsWithoutSpan, writeFailedRows, writesWorkbook } from './failed-rows-file';
import { count, countOf, rowsText } from './format';
import { handleInterrupts, type StopSignal } from './interrupt';
import { outcomeLines } from './outcome-report';
import { createProgressReporter, type ProgressReporter } from './progress';
import { fetchProjectTypes } from './project-types';
import { readSheetFile } from './read-sheet';
import { type SendResult, sendSubmission } from './send-submission';
import { sendableSpans } from './server-comparison';
import { summaryLines } from './sheet-report';
import { type CliIo, Terminal } from './terminal';

export interface SubmitOptions extends SheetOptions, ServerOptions {
  project: string;
  label?: string;
  yes?: boolean;
  failedOut?: string;
  json?: boolean;
  batchSize?: number;
  concurrency?: number;
}

/** Above this many spans, a submit from a terminal asks first (unless --yes). */
export const CONFIRM_ABOVE_SPANS = 1000;

/** Longest label the server keeps (SPEC §9). */
const MAX_LABEL_LENGTH = 500;

/**
 * `spanpatch submit FILE --project P`: one submission per run, as the app's Submit makes it: the sheet checked,
 * the spans already up to date on the server left out, the rest sent by the client in batches (progress bar on a
 * terminal, a line every few seconds otherwise), then the Results summary. Ctrl+C (or SIGTERM) stops sending and
 * says what was and was not sent.
 */
export async function runSubmit(file: string, options: SubmitOptions, io: CliIo): Promise<number> {
  const terminal = new Terminal(io, { json: options.json === true });
  const paint = terminal.paintReport;
  const connection = connectionFrom(options.server, io.env);
  // Read as preview reads it: a key the project already types reads as its type (SPEC §2).
  const projectTypes = await fetchProjectTypes(options.project, connection);
  const sheet = await readSheetFile(file, options, io.cwd, projectTypes);
  const { model } = sheet;
  const sheetSummary = model.summary();
  terminal.report(...summaryLines(sheet, sheetSummary, paint));
  if (sheetStatus(sheetSummary) === EXIT.unusable) {
    terminal.report(SHEET_ISSUE_HINT);
    return EXIT.unusable;
  }
  const blocked = blockedSpanErrors(model);
  if (blocked.length > 0) {
    terminal.report(
      paint(
        'red',
        `  ${countOf(blocked.length, 'span')} ${blocked.length === 1 ? 'is' : 'are'} blocked by errors in the sheet and will not be sent`,
      ) + ` (spanpatch check ${file} lists them).`,
    );
  }
  const spanlessRows = erroneousRowsWithoutSpan(model);
  if (spanlessRows.length > 0) {
    terminal.report(
      paint(
        'red',
        `  ${countOf(spanlessRows.length, 'row')} with errors ${spanlessRows.length === 1 ? 'has' : 'have'} no span ID and will not be sent`,
      ) + ` (${rowsText(spanlessRows.map(({ row }) => row))}).`,
    );
  }
  const sendable = sendableSpans(model);
  terminal.report(
    `  To send: ${countOf(sendable.length, 'span')} to project ${options.project} at ${connection.baseUrl}, ` +
      'leaving out those the server already has as asked',
  );
  const target = await projectTargetLine(options.project, connection);
  if (target !== null) terminal.report(`  ${paint('bold', target)}`);
  if (sendable.length > CONFIRM_ABOVE_SPANS && terminal.interactive && options.yes !== true) {
    const go = await confirm(
      terminal,
      `Send ${countOf(sendable.length, 'span')} to project ${options.project}${target === null ? '' : ` (${target})`}?`,
    );
    if (!go) {
      terminal.note('Nothing was sent.');
      return EXIT.someFailed;
    }
  }

  const label = (options.label ?? sheet.name).slice(0, MAX_LABEL_LENGTH);
  const startedAt = new Date().toISOString();
  const cancel = new AbortController();
  const reporter: ProgressReporter =
    sendable.length > 0
      ? createProgressReporter(terminal, options.project, sendable.length)
      : { update: () => undefined, stop: () => undefined };
  let interrupted: StopSignal | null = null;
  const restore = handleInterrupts(
    terminal,
    (signal) => {
      interrupted = signal;
      reporter.stop();
      cancel.abort();
    },
    'Stopping: no new batch starts, and the requests in flight are abandoned.',
  );
  let sent: SendResult;
  try {
    sent = await sendSubmission(sendable, options.project, connection, {
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      signal: cancel.signal,
      label,
      onProgress: (progress) => reporter.update(progress),
    });
  } finally {
    reporter.stop();
    restore();
  }
  const { result } = sent;
  const outcome = buildOutcome({
    model,
    sent: sent.unfinished,
    blocked,
    result,
    project: options.project,
    label,
    source: { name: sheet.name, kind: 'file' },
    startedAt,
    finishedAt: new Date().toISOString(),
    cancelled: cancel.signal.aborted,
    skippedUpToDate: sent.upToDate,
  });
  const summary = summarizeOutcome(outcome);
  terminal.report(
    ...outcomeLines(outcome, summary, paint, {
      failedOutHint: options.failedOut === undefined,
      interrupted,
    }),
  );
  if (options.json === true) terminal.json(jsonAnswer(result, sent.upToDate));
  if (options.failedOut !== undefined) {
    const written = await writeFailedRows(resolve(io.cwd, options.failedOut), outcome, spanlessRows);
    terminal.report(
      written.rows === 0
        ? `  Every row was applied: ${options.failedOut} has the header alone.`
        : `  Wrote ${countOf(written.rows, 'row')} not applied (${countOf(written.spans, 'span')} failed, blocked or not sent) ` +
            `to ${options.failedOut}, in the file's columns` +
            (writesWorkbook(options.failedOut) ? ' with the error, the cells to blame marked.' : '.'),
    );
  }
  if (sent.problem !== null) {
    terminal.note(terminal.paintNote('red', `Sending stopped: ${sent.problem.message}`));
    return EXIT.unusable;
  }
  const applied = summary.failed + summary.blocked + summary.notSent + spanlessRows.length === 0;
  return applied ? EXIT.ok : EXIT.someFailed;
}

/**
 * What `submit --json` prints: the aggregated response, its fields of SPEC §6 as they are (with `not_sent` and
 * `undelivered_batches`), and `spans_skipped_unchanged`, the spans left out because the server already had every
 * value as asked: never sent, so in none of §6's counts.
 */
function jsonAnswer(
  result: AggregatedResponse,
  skippedUnchanged: number,
): AggregatedResponse & { spans_skipped_unchanged: number } {
  return { ...result, spans_skipped_unchanged: skippedUnchanged };
}

export function addSubmitCommand(program: Command, context: CommandContext): void {
  addServerOption(
    addSheetOptions(
      program
        .command('submit')
        .summary('submit a sheet file to the server, as one submission')
        .description(
          'Checks the file as check does, leaves out the spans blocked by errors and those already up to date on ' +
            'the server, and sends the rest as one submission (labelled with the file name), in batches, with a ' +
            'progress bar on a terminal. Then prints the results as the app does. Ctrl+C (or SIGTERM) stops sending ' +
            'and says what was sent, what was not, and what is unknown; a second one quits at once.',
        )
        .argument('<file>', 'the sheet file')
        .requiredOption('--project <project>', 'the project the spans belong to')
        .option('--label <label>', "the submission's label in History (default: the file name)")
        .option(
          '-y, --yes',
          `do not ask before sending more than ${count(CONFIRM_ABOVE_SPANS)} spans from a terminal`,
        )
        .option(
          '--failed-out <file>',
          "write every row not applied (failed, blocked, not sent, or in flight when stopped), in the file's own columns, to this file: an Excel workbook when it ends in .xlsx (with an Error column, the cells to blame filled and the message as their comment), CSV otherwise",
        )
        .option(
          '--json',
          'print only the response for the whole run on standard output (spans_processed, spans_updated, spans_unchanged, spans_failed, errors, submission_id, not_sent, undelivered_batches, and spans_skipped_unchanged: the spans already up to date, not sent), even when the run stops early; everything else goes to standard error',
        )
        .option('--batch-size <n>', 'spans per request (default 5,000)', integerAtLeast(1, 10_000))
        .option('--concurrency <n>', 'requests in flight at once (default 2)', integerAtLeast(1, 16)),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ spanpatch submit review.csv --project support-bot
  $ spanpatch submit review.csv --project support-bot --yes --failed-out failed.csv --json > result.json
${SERVER_ENVIRONMENT_HELP}
${EXIT_STATUS_HELP}`,
    )
    .action(async (file: string, options: SubmitOptions) => {
      context.exit(await runSubmit(file, options, context.io));
    });
}
