import type { Command } from 'commander';
import { listSubmissions } from '@/client';
import { authorWords, type Submission } from '@/core/api';
import {
  addServerOption,
  type CommandContext,
  integerAtLeast,
  SERVER_ENVIRONMENT_HELP,
  type ServerOptions,
} from './command-options';
import { connectionFrom, requestProblem } from './connection';
import { EXIT } from './exit-status';
import { count, timeText } from './format';
import { type CliIo, type Paint, Terminal } from './terminal';

export interface HistoryOptions extends ServerOptions {
  project?: string;
  person?: string;
  limit?: number;
  cursor?: string;
  json?: boolean;
}

/** One submission as a History row: when, its ID, kind and label, who, its totals, and revert links. */
export function submissionLines(submission: Submission, paint: Paint): string[] {
  const kind = submission.kind === 'revert' ? paint('cyan', 'revert') : 'patch ';
  const label = submission.label ?? '(no label)';
  const who = authorWords(submission);
  const lines = [
    `${timeText(submission.created_at)}  ${paint('bold', submission.id)}  ${kind}  ${label}` +
      (who === null ? '' : paint('dim', `  ${who.startsWith('key ') ? who : `by ${who}`}`)),
    `    ${count(submission.spans_processed)} processed · ${count(submission.spans_updated)} updated` +
      ` (${count(submission.spans_unchanged)} already up to date) · ` +
      paint(submission.spans_failed > 0 ? 'red' : 'dim', `${count(submission.spans_failed)} failed`) +
      ` · ${count(submission.batches)} ${submission.batches === 1 ? 'batch' : 'batches'} · project ${submission.project}`,
  ];
  if (submission.reverts !== null) lines.push(paint('dim', `    reverts ${submission.reverts}`));
  if (submission.reverted_by !== null)
    lines.push(paint('yellow', `    reverted by ${submission.reverted_by}`));
  return lines;
}

/** `spanpatch history --project P`: a page of submissions, newest first, and how to read the next one. */
export async function runHistory(options: HistoryOptions, io: CliIo): Promise<number> {
  const terminal = new Terminal(io, { json: options.json === true });
  const connection = connectionFrom(options.server, io.env);
  const limit = options.limit ?? 20;
  let page;
  try {
    page = await listSubmissions(
      {
        ...(options.project ? { project: options.project } : {}),
        ...(options.person ? { person: options.person } : {}),
        limit,
        cursor: options.cursor ?? null,
      },
      connection,
    );
  } catch (error) {
    throw requestProblem(error, connection, 'Reading the history');
  }
  if (options.json === true) {
    terminal.json(page);
    return EXIT.ok;
  }
  const project = options.project ? `project ${options.project}` : 'all projects';
  const where = options.person ? `${project} made by ${options.person}` : project;
  if (page.submissions.length === 0) {
    terminal.report(options.cursor ? `No more submissions in ${where}.` : `No submission yet in ${where}.`);
    return EXIT.ok;
  }
  terminal.report(
    terminal.paintReport('bold', `Submissions in ${where}, newest first, at ${connection.baseUrl}:`),
  );
  for (const submission of page.submissions)
    terminal.report(...submissionLines(submission, terminal.paintReport));
  if (page.next_cursor !== null) {
    const filters =
      (options.project ? ` --project ${options.project}` : '') +
      (options.person ? ` --person ${options.person}` : '');
    terminal.report('', `More: spanpatch history${filters} --limit ${limit} --cursor ${page.next_cursor}`);
  }
  return EXIT.ok;
}

export function addHistoryCommand(program: Command, context: CommandContext): void {
  addServerOption(
    program
      .command('history')
      .summary('list submissions, newest first')
      .description(
        "Lists the submissions the server keeps, newest first, a page at a time: each one's ID, kind, " +
          'label, who made it (person or API key), totals and revert links. Use an ID with revert.',
      )
      .option('--project <project>', 'only the submissions to this project (default: all projects)')
      .option(
        '--person <subject>',
        "only this person's submissions, by their subject at the identity provider (author.subject in --json)",
      )
      .option('--limit <n>', 'submissions per page, 1 to 1,000 (default 20)', integerAtLeast(1, 1000))
      .option('--cursor <cursor>', 'the page after the one that printed this cursor')
      .option('--json', 'print the page as the server answers it (submissions and next_cursor)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ spanpatch history --project support-bot
  $ spanpatch history --project support-bot --limit 100 --json
  $ spanpatch history --project support-bot --person 00u1a2b3c4
${SERVER_ENVIRONMENT_HELP}`,
    )
    .action(async (options: HistoryOptions) => {
      context.exit(await runHistory(options, context.io));
    });
}
