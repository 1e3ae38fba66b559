import type { Command } from 'commander';
import { getSubmission, listSubmissionChanges, revertSubmission } from '@/client';
import type { RevertResponse, SubmissionChange } from '@/core/api';
import {
  addServerOption,
  type CommandContext,
  EXIT_STATUS_HELP,
  SERVER_ENVIRONMENT_HELP,
  type ServerOptions,
} from './command-options';
import { confirm } from './confirm';
import { type Connection, connectionFrom, requestProblem } from './connection';
import { CommandError, EXIT } from './exit-status';
import { count, countOf } from './format';
import { submissionLines } from './history-command';
import { type CliIo, type Paint, Terminal } from './terminal';

export interface RevertOptions extends ServerOptions {
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** How many changes and failures are listed one by one. */
const LISTED = 20;

/** A stored value as the app's History shows it: text in quotes, numbers bare, null. */
function valueText(value: SubmissionChange['before']): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** One change going back: the key's value now (the submission's after) to what it was before, or removed. */
function changeLine(change: SubmissionChange, paint: Paint): string {
  const now = change.removed ? paint('dim', '(removed)') : valueText(change.after);
  const back = change.existed_before
    ? valueText(change.before)
    : paint('dim', 'removed (it did not exist before)');
  return `  ${change.span_id}  ${change.key}: ${now} → ${back}`;
}

/** The per-span answer of a revert, real or dry: spans going back and spans left alone, with why. */
function answerLines(answer: RevertResponse, dryRun: boolean, paint: Paint): string[] {
  const back = answer.spans_updated;
  const left = answer.spans_failed;
  const leftText =
    left === 0
      ? ''
      : dryRun
        ? paint('red', `, ${count(left)} would be left as ${left === 1 ? 'it is' : 'they are'}`)
        : paint(
            'red',
            `, ${count(left)} ${left === 1 ? 'was' : 'were'} left as ${left === 1 ? 'it is' : 'they are'}`,
          );
  const lines = [
    dryRun
      ? `${paint('bold', 'Dry run')}: ${countOf(back, 'span')} would go back${leftText}. Nothing was written.`
      : `${paint('bold', 'Reverted')}: ${countOf(back, 'span')} went back${leftText}` +
        (answer.submission_id !== '' ? `; the revert is submission ${answer.submission_id}.` : '.'),
  ];
  for (const error of answer.errors.slice(0, LISTED)) {
    lines.push(
      `  ${paint('red', dryRun ? 'would fail' : 'failed')} ${error.span_id}: ${error.error_message}`,
    );
  }
  if (answer.errors.length > LISTED)
    lines.push(paint('dim', `  … and ${count(answer.errors.length - LISTED)} more`));
  // A project linked to Arize AX: Arize cannot remove a key, so a key the submission added becomes null there.
  const nulls = answer.becomes_null ?? [];
  if (nulls.length > 0) {
    lines.push(
      paint(
        'yellow',
        `  Arize AX cannot remove a key: ${countOf(nulls.length, 'key')} ${dryRun ? 'will become' : 'became'} null there:`,
      ),
    );
    for (const entry of nulls.slice(0, LISTED)) lines.push(`    ${entry.span_id} ${entry.key}`);
    if (nulls.length > LISTED) lines.push(paint('dim', `    … and ${count(nulls.length - LISTED)} more`));
  }
  return lines;
}

async function call<T>(connection: Connection, what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw requestProblem(error, connection, what);
  }
}

/**
 * `spanpatch revert ID [--dry-run]`: shows the submission and the changes that go back, asks the server what a
 * revert would do (a dry run writes nothing), then, unless `--dry-run`, reverts it (asking first on a terminal).
 * Exit 1 when some spans cannot go back (a key changed since, or the span is gone).
 */
export async function runRevert(id: string, options: RevertOptions, io: CliIo): Promise<number> {
  const terminal = new Terminal(io, { json: options.json === true });
  const paint = terminal.paintReport;
  const connection = connectionFrom(options.server, io.env);
  const submission = await call(connection, `Reading submission ${id}`, () => getSubmission(id, connection));
  terminal.report(paint('bold', 'Submission:'), ...submissionLines(submission, paint));
  if (submission.reverted_by !== null) {
    throw new CommandError(
      `Submission ${id} was reverted already, by ${submission.reverted_by}: nothing goes back.`,
    );
  }
  const changes = await call(connection, `Reading the changes of ${id}`, () =>
    listSubmissionChanges(id, { limit: LISTED }, connection),
  );
  terminal.report(
    '',
    changes.total === 0
      ? 'It changed no value, so nothing goes back.'
      : `Reverting it puts back ${countOf(changes.total, 'changed value')} (now → back to):`,
    ...changes.changes.map((change) => changeLine(change, paint)),
  );
  if (changes.total > changes.changes.length) {
    terminal.report(paint('dim', `  … and ${count(changes.total - changes.changes.length)} more`));
  }
  const dryRun = await call(connection, `Checking the revert of ${id}`, () =>
    revertSubmission(id, { dryRun: true }, connection),
  );
  terminal.report('', ...answerLines(dryRun, true, paint));
  if (options.dryRun === true) {
    if (options.json === true) terminal.json(dryRun);
    return dryRun.spans_failed > 0 ? EXIT.someFailed : EXIT.ok;
  }
  if (terminal.interactive && options.yes !== true) {
    const go = await confirm(terminal, `Revert submission ${id} now?`);
    if (!go) {
      terminal.note('Nothing was reverted.');
      return EXIT.someFailed;
    }
  }
  const answer = await call(connection, `Reverting ${id}`, () =>
    revertSubmission(id, { dryRun: false }, connection),
  );
  terminal.report('', ...answerLines(answer, false, paint));
  if (options.json === true) terminal.json(answer);
  return answer.spans_failed > 0 ? EXIT.someFailed : EXIT.ok;
}

export function addRevertCommand(program: Command, context: CommandContext): void {
  addServerOption(
    program
      .command('revert')
      .summary('undo a submission (see what goes back with --dry-run)')
      .description(
        'Undoes a submission: each key it changed goes back to its value before, when the span still has ' +
          'the value the submission wrote; a span changed since is left as it is and reported. Shows what goes ' +
          'back first; --dry-run stops there. The revert is itself a submission, listed by history.',
      )
      .argument('<id>', 'the submission ID (from history, or the submission_id of submit --json)')
      .option('--dry-run', 'show what would go back, and write nothing')
      .option('-y, --yes', 'do not ask before reverting from a terminal')
      .option(
        '--json',
        "print only the server's answer on standard output: the revert's per-span results and its submission_id (with --dry-run, what it would do)",
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ spanpatch revert 0b5f4c1e-… --dry-run
  $ spanpatch revert 0b5f4c1e-… --yes
${SERVER_ENVIRONMENT_HELP}
${EXIT_STATUS_HELP}`,
    )
    .action(async (id: string, options: RevertOptions) => {
      context.exit(await runRevert(id, options, context.io));
    });
}
