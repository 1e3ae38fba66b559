import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import {
  type AccessStore,
  databaseLabel,
  openPostgresAccessStore,
  openSqliteAccessStore,
  openPostgresStore,
  openSqliteStore,
  openThreadedSqliteStore,
  type PostgresStoreOptions,
  type SpanStore,
} from '@/server/store';
import { createApp } from './app';
import { type ArizeConfig, createArizeClient } from './arize';
import { seedDemoProject } from './demo/seed-demo';
import type { ApiKey, AuthRateLimit } from './http/auth';
import { BodyParsePool } from './http/body-parse-pool';
import type { SignInSettings } from './http/sign-in';
import { isLoopbackHost } from './http/loopback-host';
import { DEFAULT_MAX_BODY_BYTES } from './http/read-body';
import { createLogger, type Logger, type LogLevel } from './logger';

/** How to start the server; only the database path is required. */
export interface StartServerOptions {
  /** SQLite database file; created with its folder when missing. Unused when `databaseUrl` is set. */
  dbPath: string;
  /** A PostgreSQL database (`postgres://…`) to use instead of SQLite; its schema is created or brought up to date. */
  databaseUrl?: string | null;
  /** PostgreSQL only: connections for reads and for writes (see PostgresStoreOptions). Default 8 and 4. */
  databaseConnections?: { reads?: number | null; writes?: number | null };
  /**
   * SQLite only: where writes run. Default 'worker', a thread of their own, so a long write never stalls a read or
   * /healthz; 'event-loop' runs them on the server's thread, as before (kept to compare the two in benchmarks).
   */
  sqliteWrites?: 'worker' | 'event-loop';
  /** Port to listen on; 0 picks a free one. Default 8787. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1; anything else needs API keys. */
  host?: string;
  /** Keys accepted as `Authorization: Bearer <key>`; none means no auth, and loopback only. */
  apiKeys?: readonly ApiKey[];
  corsOrigins?: readonly string[];
  /** Largest request body, before and after gzip. Default 50 MB. */
  maxBodyBytes?: number;
  /** Most request-body bytes held at once over all requests; beyond it, 503. Default 128 MB. */
  maxBufferedBytes?: number;
  /** Failed API key attempts allowed per client address. Default 10 a minute. */
  authRateLimit?: AuthRateLimit;
  /**
   * The proxies in front of the server (IP addresses, CIDR ranges): behind them, a client's address for the
   * failed-key limit is read from `X-Forwarded-For`. Default none: the socket's peer.
   */
  trustedProxies?: readonly string[];
  /** A built UI to serve (dist/ui), with index.html for the app's own pages. */
  staticDir?: string | null;
  /** Seeds the demo project when the database has no project yet. Default false. */
  seedDemo?: boolean;
  /** Serves GET /metrics (Prometheus), behind the API keys when there are keys. Default false. */
  metrics?: boolean;
  /** Projects linked to Arize AX (SPEC §14), with the space, key and Flight endpoint; none by default. */
  arize?: ArizeConfig | null;
  /** Milliseconds each call to Arize may take. Default 30 s (SPEC §7's per attempt). */
  arizeTimeoutMs?: number;
  logger?: Logger;
  /** Used when no logger is given. Default 'warn'. */
  logLevel?: LogLevel;
  /** How long close() lets in-flight requests finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
  /** Sign-in with OpenID Connect (SPEC §16); null or left out: none, as before. */
  signIn?: SignInSettings | null;
  /** The clock of sessions and keys (a test sets it); default the system's. */
  now?: () => Date;
}

function poolOptions(connections: StartServerOptions['databaseConnections']): PostgresStoreOptions {
  return {
    ...(connections?.reads ? { readConnections: connections.reads } : {}),
    ...(connections?.writes ? { writeConnections: connections.writes } : {}),
  };
}

/** A listening server. */
export interface RunningServer {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  host: string;
  store: SpanStore;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the span store server: opens (and migrates) the database, optionally seeds the demo project, and
 * listens. Without API keys it refuses any address but loopback, so an open server is never exposed.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const apiKeys = options.apiKeys ?? [];
  const signIn = options.signIn ?? null;
  if (apiKeys.length === 0 && signIn === null && !isLoopbackHost(host)) {
    throw new Error(
      `Without API keys the server listens on 127.0.0.1 only; configure SPANPATCH_API_KEYS to listen on ${host}`,
    );
  }
  const logger = options.logger ?? createLogger(options.logLevel ?? 'warn');
  const store = options.databaseUrl
    ? await openPostgresStore(options.databaseUrl, poolOptions(options.databaseConnections))
    : options.sqliteWrites === 'event-loop'
      ? openSqliteStore(options.dbPath)
      : await openThreadedSqliteStore(options.dbPath);
  if (options.databaseUrl) {
    logger.info({ store: 'postgres', database: databaseLabel(options.databaseUrl) }, 'store: PostgreSQL');
  } else {
    logger.info({ store: 'sqlite', db: options.dbPath }, 'store: SQLite');
  }
  let access: AccessStore | null = null;
  if (signIn !== null) {
    try {
      access = options.databaseUrl
        ? await openPostgresAccessStore(options.databaseUrl)
        : openSqliteAccessStore(options.dbPath);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  if (options.seedDemo && (await store.listProjects()).length === 0) {
    const seeded = await seedDemoProject(store);
    logger.info(
      { project: seeded.project, spans: seeded.spans },
      'seeded the demo project on an empty database',
    );
  }

  const arize = options.arize
    ? {
        config: options.arize,
        client: createArizeClient(
          options.arize,
          options.arizeTimeoutMs === undefined ? {} : { timeoutMs: options.arizeTimeoutMs },
        ),
      }
    : null;
  if (arize) {
    // A linked project exists before it holds a span (SPEC §14).
    for (const project of arize.config.links.keys()) {
      try {
        await store.ingestSpans(project, []);
      } catch (error) {
        logger.warn(
          { project, err: error instanceof Error ? error.message : String(error) },
          'could not create the linked project in the store; it is created at its first write',
        );
      }
    }
    logger.info(
      {
        projects: [...arize.config.links.keys()],
        flight: `${arize.config.flight.host}:${arize.config.flight.port}`,
      },
      'projects linked to Arize AX',
    );
  }

  let closing = false;
  const bodyParsePool = new BodyParsePool();
  const app = createApp({
    bodyParsePool,
    store,
    apiKeys,
    corsOrigins: options.corsOrigins ?? [],
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
    ...(options.authRateLimit === undefined ? {} : { authRateLimit: options.authRateLimit }),
    ...(options.trustedProxies === undefined ? {} : { trustedProxies: options.trustedProxies }),
    staticDir: options.staticDir ?? null,
    logger,
    isClosing: () => closing,
    metrics: options.metrics ?? false,
    arize,
    people:
      signIn === null || access === null
        ? null
        : { settings: signIn, access, ...(options.now === undefined ? {} : { now: options.now }) },
  });
  const server = createServer(getRequestListener(app.fetch));
  let inFlight = 0;
  let onIdle: (() => void) | null = null;
  server.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8787, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    arize?.client.close();
    await access?.close();
    await store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  logger.info({ url, auth: apiKeys.length > 0 }, 'listening');

  let closed: Promise<void> | null = null;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
      if (inFlight > 0) await new Promise<void>((resolve) => (onIdle = resolve));
      server.closeIdleConnections();
      await stopped;
      clearTimeout(cutOff);
      await bodyParsePool.close();
      arize?.client.close();
      await access?.close();
      await store.close();
      logger.info('stopped');
    })();
    return closed;
  };
  return { url, port, host, store, close };
}
