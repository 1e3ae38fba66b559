import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { printableText } from '@/core/text';
import { addBackupCommand } from './backup-command';
import { addCheckCommand } from './check-command';
import type { CommandContext } from './command-options';
import { CommandError, EXIT } from './exit-status';
import { addHistoryCommand } from './history-command';
import { addLoadCommand } from './load-command';
import { addPreviewCommand } from './preview-command';
import { addRevertCommand } from './revert-command';
import { addServeCommand } from './serve-command';
import { addSubmitCommand } from './submit-command';
import { type CliIo, TerminalOutput } from './terminal';

/** The version in package.json. */
function version(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
}

/**
 * The process's own streams, each behind a `TerminalOutput` (everything printed is made printable), and its
 * environment. A reader that stops reading (`spanpatch check big.csv | head`) ends the run quietly, as other
 * command-line tools do, instead of with a broken-pipe stack trace.
 */
export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? EXIT.ok);
    });
  }
  return {
    stdout: new TerminalOutput(process.stdout, process.env),
    stderr: new TerminalOutput(process.stderr, process.env),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** The `spanpatch` program: its commands, each with --help. */
export function createProgram(context: CommandContext): Command {
  const program = new Command('spanpatch')
    .description(
      'Attach latent metadata to tracing spans that are already stored, from a sheet file: the same checks, ' +
        'preview and per-span results as the app, for scripts, notebooks and pipelines.',
    )
    .version(version(), '-V, --version')
    .showHelpAfterError('(spanpatch --help lists the commands; spanpatch <command> --help explains one)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
A sheet has a context.span_id column and attributes.metadata.<key> or patch_document columns (the Arize SDK's
dataframe convention, so df.to_csv() works as it is).

Examples:
  $ spanpatch check review.csv
  $ spanpatch preview review.csv --project support-bot
  $ spanpatch submit review.csv --project support-bot --json > result.json
  $ spanpatch history --project support-bot
  $ spanpatch revert <submission id> --dry-run
  $ spanpatch load --project support-bot --since 24h`,
    );
  addServeCommand(program, context);
  addCheckCommand(program, context);
  addPreviewCommand(program, context);
  addSubmitCommand(program, context);
  addHistoryCommand(program, context);
  addRevertCommand(program, context);
  addLoadCommand(program, context);
  addBackupCommand(program, context);
  return program;
}

/**
 * Runs the command line on its arguments (without `node` and the script) and returns the exit status (SPEC §13):
 * 0 everything applied, 1 some spans failed or were blocked, 2 the input or the command could not be used.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let status: number = EXIT.ok;
  const context: CommandContext = { io, exit: (code) => (status = code) };
  const program = createProgram(context);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.unusable;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end the parse with an "error" of status 0; a wrong option or argument is status 2.
      return error.exitCode === 0 ? EXIT.ok : EXIT.unusable;
    }
    const paint = io.stderr.paint;
    // A message may be several lines (CommandError's `lines`); each keeps to its line, whatever a server put in it.
    const lines =
      error instanceof CommandError ? error.lines : [error instanceof Error ? error.message : String(error)];
    io.stderr.write(`${paint('red', 'spanpatch:')} ${lines.map((line) => printableText(line)).join('\n')}\n`);
    if (!(error instanceof CommandError)) {
      // Not a problem the command line foresaw: its stack, for a bug report, when asked for.
      const stack = error instanceof Error ? error.stack : undefined;
      if (io.env.SPANPATCH_DEBUG && stack) io.stderr.write(`${paint('dim', stack)}\n`);
      else io.stderr.write(paint('dim', 'This is unexpected: SPANPATCH_DEBUG=1 prints where it happened.\n'));
    }
    return EXIT.unusable;
  }
}
