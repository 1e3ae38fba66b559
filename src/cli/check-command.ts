import type { Command } from 'commander';
import type { SheetSummary } from '@/core/sheet';
import { addSheetOptions, type CommandContext, EXIT_STATUS_HELP, type SheetOptions } from './command-options';
import { EXIT } from './exit-status';
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

/** Reads and checks a sheet file and writes its summary and every error and warning, grouped by column. */
export async function checkSheet(
  file: string,
  options: SheetOptions,
  terminal: Terminal,
): Promise<SheetFile> {
  const sheet = await readSheetFile(file, options, terminal.io.cwd);
  const summary = sheet.model.summary();
  terminal.report(...summaryLines(sheet, summary, terminal.paintReport));
  if (summary.sheetIssues.length > 0) terminal.report(SHEET_ISSUE_HINT);
  reportIssues(sheet, terminal, { maxIssuesPerColumn: options.maxIssues ?? null });
  return sheet;
}

/** `spanpatch check FILE`: the sheet checked offline, as the app checks it after an import. */
export async function runCheck(file: string, options: SheetOptions, io: CliIo): Promise<number> {
  const sheet = await checkSheet(file, options, new Terminal(io));
  return sheetStatus(sheet.model.summary());
}

export function addCheckCommand(program: Command, context: CommandContext): void {
  addSheetOptions(
    program
      .command('check')
      .summary('read and validate a sheet file offline')
      .description(
        'Reads a sheet file (CSV, TSV, JSON, JSON Lines or Parquet) with the same importers and rules as the app, ' +
          'and prints its summary and each error and warning with its row and column, grouped by column. ' +
          'Nothing is sent anywhere.',
      )
      .argument('<file>', 'the sheet file'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ spanpatch check review.csv
  $ spanpatch check review.csv --map 'Quality=attributes.metadata.quality' --map 'notes=ignore'
  $ spanpatch check export.parquet --type 'attributes.metadata.zip=string' --max-issues 20
${EXIT_STATUS_HELP}`,
    )
    .action(async (file: string, options: SheetOptions) => {
      context.exit(await runCheck(file, options, context.io));
    });
}
