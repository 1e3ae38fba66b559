import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type ServerConfig } from './config';
import { createLogger } from './logger';
import { type RunningServer, startServer } from './start-server';

/** What `npm start` decides beyond the environment variables. */
export interface RunOptions {
  /** Overrides SPANPATCH_STATIC_DIR: the built UI to serve. */
  staticDir?: string | null;
  /** Seed the demo project on an empty database. Default true. */
  seedDemo?: boolean;
}

/**
 * Runs the server as configured by environment variables (see `loadConfig`), prints its URL, and shuts down
 * gracefully on SIGINT / SIGTERM. Exits with a readable message when the configuration is invalid.
 */
export async function runServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: RunOptions = {},
): Promise<RunningServer> {
  const config = configOrExit(env);
  const logger = createLogger(config.logLevel);
  const withKeys = config.apiKeys.length > 0;
  let host = config.host ?? (withKeys ? '0.0.0.0' : '127.0.0.1');
  if (!withKeys) {
    if (host !== '127.0.0.1')
      logger.warn({ host }, 'HOST ignored: without API keys the server binds 127.0.0.1');
    host = '127.0.0.1';
    logger.warn('No API key configured (SPANPATCH_API_KEYS): listening on 127.0.0.1 only, without auth');
  }
  const staticDir = options.staticDir !== undefined ? options.staticDir : config.staticDir;
  const server = await startServer({
    port: config.port,
    host,
    dbPath: resolve(config.dbPath),
    apiKeys: config.apiKeys,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    staticDir: staticDir === null ? null : resolve(staticDir),
    seedDemo: options.seedDemo ?? true,
    logger,
  });
  const shownUrl = host === '0.0.0.0' || host === '::' ? `http://localhost:${server.port}` : server.url;
  console.log(`\nSpanpatch is running at ${shownUrl}${staticDir === null ? ' (API only)' : ''}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return server;
}

function configOrExit(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  await runServer();
}
