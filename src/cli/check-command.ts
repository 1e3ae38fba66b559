import type { Command } from 'commander';
import { NO_PROJECT_TYPES } from '@/core/columns';
import type { SheetSummary } from '@/core/sheet';
import {
  addServerOption,
  addSheetOptions,
  type CommandContext,
  EXIT_STATUS_HELP,
  SERVER_ENVIRONMENT_HELP,
  type ServerOptions,
  type SheetOptions,
} from './command-options';
import { connectionFrom } from './connection';
import { EXIT } from './exit-status';
import { fetchProjectTypes, projectTypesLines } from './project-types';
import { readSheetFile, type SheetFile } from './read-sheet';
import { reportIssues, summaryLines } from './sheet-report';
import { type CliIo, Terminal } from './terminal';

/**
 * The exit status of a checked sheet: 2 when nothing can be submitted at all, 1 when an error blocks a span or a
 * row (a row without a span ID is no span, but it is not applied either), else 0.
 */
export function sheetStatus(summary: SheetSummary): number {
  if (summary.sheetIssues.length > 0) return EXIT.unusable;
  return summary.spansByStatus.blocked > 0 || summary.rowsWithErrors > 0 ? EXIT.someFailed : EXIT.ok;
}

/** What to say when the sheet as a whole cannot be submitted: how to name its columns from the command line. */
export const SHEET_ISSUE_HINT =
  "  Name the file's columns context.span_id, attributes.metadata.<key> and patch_document, or map them with " +
  "--map 'COLUMN=context.span_id' (see --help).";

/** Options of `check`: with a project, its typed keys are read from the server. */
export interface CheckOptions extends SheetOptions, ServerOptions {
  project?: string;
}

/**
 * Reads and checks a sheet file and writes its summary and every error and warning, grouped by column. With a
 * project, the keys it already types are read from the server first: an `auto` column of one reads as its type
 * (SPEC §2).
 */
export async function checkSheet(
  file: string,
  options: CheckOptions,
  terminal: Terminal,
): Promise<SheetFile> {
  const { project } = options;
  const projectTypes =
    project === undefined
      ? NO_PROJECT_TYPES
      : await fetchProjectTypes(project, connectionFrom(options.server, terminal.io.env));
  const sheet = await readSheetFile(file, options, terminal.io.cwd, projectTypes);
  const summary = sheet.model.summary();
  terminal.report(...summaryLines(sheet, summary, terminal.paintReport));
  if (project !== undefined) terminal.report(...projectTypesLines(sheet.model, project));
  if (summary.sheetIssues.length > 0) terminal.report(SHEET_ISSUE_HINT);
  reportIssues(sheet, terminal, { maxIssuesPerColumn: options.maxIssues ?? null });
  return sheet;
}

/**
 * `spanpatch check FILE [--project P]`: the sheet checked as the app checks it after an import: offline, or with
 * the keys project P already types.
 */
export async function runCheck(file: string, options: CheckOptions, io: CliIo): Promise<number> {
  const sheet = await checkSheet(file, options, new Terminal(io));
  return sheetStatus(sheet.model.summary());
}

export function addCheckCommand(program: Command, context: CommandContext): void {
  addServerOption(
    addSheetOptions(
      program
        .command('check')
        .summary('read and validate a sheet file offline')
        .description(
          'Reads a sheet file (CSV, TSV, JSON, JSON Lines or Parquet) with the same importers and rules as the app, ' +
            'and prints its summary and each error and warning with its row and column, grouped by column. ' +
            'Nothing is sent anywhere. With --project, the keys the project already types are read from the ' +
            "server first: a column of such a key is read as the project's type, and a value that does not fit " +
            'is an error on its span only.',
        )
        .argument('<file>', 'the sheet file')
        .option('--project <project>', "read the keys this project already types as the project's types"),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ spanpatch check review.csv
  $ spanpatch check review.csv --map 'Quality=attributes.metadata.quality' --map 'notes=ignore'
  $ spanpatch check export.parquet --type 'attributes.metadata.zip=string' --max-issues 20
  $ spanpatch check nightly.csv --project support-bot --server http://127.0.0.1:8787
${SERVER_ENVIRONMENT_HELP}
${EXIT_STATUS_HELP}`,
    )
    .action(async (file: string, options: CheckOptions) => {
      context.exit(await runCheck(file, options, context.io));
    });
}
