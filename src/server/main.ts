import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { databaseLabel, StoreOpenError, StoreUnavailableError } from '@/server/store';
import { ConfigError, loadConfig, type ServerConfig } from './config';
import { isLoopbackHost } from './http/loopback-host';
import { createLogger } from './logger';
import { loadSignInConfig } from './sign-in-config';
import type { SignInSettings } from './http/sign-in';
import { type RunningServer, type StartServerOptions, startServer } from './start-server';

/** What `npm start` decides beyond the environment variables. */
export interface RunOptions {
  /** Overrides SPANPATCH_STATIC_DIR: the built UI to serve. */
  staticDir?: string | null;
  /** Seed the demo project on an empty database. Default: SPANPATCH_DEMO (see `loadConfig`). */
  seedDemo?: boolean;
}

/**
 * Runs the server as configured by environment variables (see `loadConfig`), prints its URL, and shuts down
 * gracefully on SIGINT / SIGTERM. Exits with one readable line when the configuration is invalid or the database
 * cannot be opened; warns when the database cannot be written (reads still work, writes answer 503).
 */
export async function runServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: RunOptions = {},
): Promise<RunningServer> {
  const config = configOrExit(env);
  const signIn = signInConfigOrExit(env);
  const logger = createLogger(config.logLevel);
  const withKeys = config.apiKeys.length > 0 || signIn !== null;
  const host = config.host ?? '127.0.0.1';
  if (!withKeys && !isLoopbackHost(host)) {
    console.error(
      `HOST=${host} is refused: without API keys the server listens on loopback only. Set SPANPATCH_API_KEYS (name:key) to listen on ${host}, or unset HOST.`,
    );
    process.exit(1);
  }
  if (!withKeys) {
    logger.warn(`No API key configured (SPANPATCH_API_KEYS): listening on ${host} only, without auth`);
  }
  const staticDir = options.staticDir !== undefined ? options.staticDir : config.staticDir;
  const server = await startOrExit({
    port: config.port,
    host,
    dbPath: resolve(config.dbPath),
    databaseUrl: config.databaseUrl,
    databaseConnections: config.databaseConnections,
    apiKeys: config.apiKeys,
    corsOrigins: config.corsOrigins,
    trustedProxies: config.trustedProxies,
    maxBodyBytes: config.maxBodyBytes,
    maxBufferedBytes: config.maxBufferedBytes,
    staticDir: staticDir === null ? null : resolve(staticDir),
    seedDemo: options.seedDemo ?? config.seedDemo,
    metrics: config.metrics,
    arize: config.arize,
    signIn,
    logger,
  });
  const health = await server.store.health();
  if (!health.writable) {
    const where =
      config.databaseUrl === null
        ? { db: resolve(config.dbPath) }
        : { database: databaseLabel(config.databaseUrl) };
    logger.warn(where, health.message);
  }
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

function signInConfigOrExit(env: Readonly<Record<string, string | undefined>>): SignInSettings | null {
  try {
    return loadSignInConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** Starts the server; a database that cannot be opened ends the process with one line saying which and why. */
async function startOrExit(options: StartServerOptions): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (error) {
    if (!(error instanceof StoreOpenError || error instanceof StoreUnavailableError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  await runServer();
}
