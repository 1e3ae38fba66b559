import type { Command } from 'commander';
import { type CommandContext, integerAtLeast } from './command-options';
import { EXIT } from './exit-status';
import type { CliIo } from './terminal';

export interface ServeCommandOptions {
  port?: number;
  host?: string;
  db?: string;
  ui?: boolean;
}

/**
 * `spanpatch serve`: the server with the app, as `npm start`; the options stand for the environment variables
 * of the same meaning. It runs until Ctrl+C, which lets requests in flight finish.
 */
export async function runServe(options: ServeCommandOptions, io: CliIo): Promise<number> {
  const env = {
    ...io.env,
    ...(options.port === undefined ? {} : { PORT: String(options.port) }),
    ...(options.host === undefined ? {} : { HOST: options.host }),
    ...(options.db === undefined ? {} : { SPANPATCH_DB: options.db }),
  };
  // NOTE: loaded here, not at the top: the server's modules would slow every other command's start.
  const { serveApp } = await import('./serve-app');
  await serveApp({ env, ui: options.ui !== false });
  return EXIT.ok;
}

export function addServeCommand(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .summary('start the server with the app (as npm start)')
    .description(
      'Starts the Spanpatch server with the app on one port, as `npm start` does: it builds the UI when needed, ' +
        'opens (and migrates) the database, seeds the demo project on an empty SQLite one (SPANPATCH_DEMO=0: never), ' +
        'and prints its address. ' +
        'Ctrl+C or SIGTERM stops it after the requests in flight.',
    )
    .option(
      '--port <port>',
      'the port to listen on (default: PORT, else 8787; 0 picks a free one)',
      integerAtLeast(0, 65535),
    )
    .option('--host <host>', 'the address to listen on (default: HOST, else 127.0.0.1; others need API keys)')
    .option('--db <file>', 'the SQLite database file (default: SPANPATCH_DB, else ./data/spanpatch.db)')
    .option('--no-ui', 'serve the API only, without building or serving the app')
    .addHelpText(
      'after',
      `
Every variable of the server's configuration applies (the README's "Configuration reference" lists them):
SPANPATCH_API_KEYS, SPANPATCH_DATABASE_URL, SPANPATCH_TRUSTED_PROXY, LOG_LEVEL, …
Run this program itself, not through npx, wherever a signal stops it (a container, kill): npx does not pass
SIGTERM on, so stopping npx would leave the server running.

Examples:
  $ spanpatch serve
  $ SPANPATCH_API_KEYS=ana:s3cret spanpatch serve --port 9000 --db ./reviews.db`,
    )
    .action(async (options: ServeCommandOptions) => {
      context.exit(await runServe(options, context.io));
    });
}
