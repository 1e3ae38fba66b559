import type { Command } from 'commander';
import { checkSheet, sheetStatus } from './check-command';
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
import { projectTargetLine } from './project-target';
import { comparisonLines, compareWithServer, sendableSpans } from './server-comparison';
import { type CliIo, Terminal } from './terminal';

export interface PreviewOptions extends SheetOptions, ServerOptions {
  project: string;
}

/**
 * `spanpatch preview FILE --project P`: the check, then the comparison with the server that the app's Preview
 * shows: spans found, failures predicted by the server's rules, spans already up to date. Exit 1 when a span is
 * blocked or predicted to fail.
 */
export async function runPreview(file: string, options: PreviewOptions, io: CliIo): Promise<number> {
  const terminal = new Terminal(io);
  const connection = connectionFrom(options.server, io.env);
  const sheet = await checkSheet(file, options, terminal);
  const status = sheetStatus(sheet.model.summary());
  if (status === EXIT.unusable) return status;
  const comparison = await compareWithServer(sendableSpans(sheet.model), options.project, connection);
  const target = await projectTargetLine(options.project, connection);
  if (target !== null) terminal.report(terminal.paintReport('bold', target));
  terminal.report(...comparisonLines(comparison, sheet.model, connection.baseUrl, terminal.paintReport));
  const predicted = [...comparison.predictions.values()].some((prediction) => prediction.failure !== null);
  return predicted ? EXIT.someFailed : status;
}

export function addPreviewCommand(program: Command, context: CommandContext): void {
  addServerOption(
    addSheetOptions(
      program
        .command('preview')
        .summary('check a sheet file and compare it with the server')
        .description(
          "Everything check does, then the comparison with the server that the app's Preview shows: the spans " +
            "found, the failures the server's rules predict (span not found, type conflicts, store limits), and the " +
            'spans already up to date, which submit leaves out. Nothing is written.',
        )
        .argument('<file>', 'the sheet file')
        .requiredOption('--project <project>', 'the project the spans belong to'),
    ),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ spanpatch preview review.csv --project support-bot
  $ SPANPATCH_URL=https://spanpatch.example.com SPANPATCH_KEY=… spanpatch preview review.csv --project demo
${SERVER_ENVIRONMENT_HELP}
${EXIT_STATUS_HELP}`,
    )
    .action(async (file: string, options: PreviewOptions) => {
      context.exit(await runPreview(file, options, context.io));
    });
}
