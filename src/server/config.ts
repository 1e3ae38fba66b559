import { z } from 'zod';
import { type ArizeConfig, parseArizeConfig } from './arize';
import { type ApiKey, parseApiKeys } from './http/auth';
import { parseTrustedProxies } from './http/client-address';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BUFFERED_BYTES } from './http/read-body';
import { LOG_LEVELS, type LogLevel } from './logger';

/**
 * Browser origins allowed by default in development only (NODE_ENV=development): the Vite dev server, so a page of
 * `npm run dev` may call this server directly. Otherwise no other origin is allowed unless SPANPATCH_CORS_ORIGINS
 * lists it.
 */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/** The server's configuration, read from environment variables at start. */
export interface ServerConfig {
  port: number;
  /** HOST as set; null when unset (then 127.0.0.1, with or without keys). */
  host: string | null;
  dbPath: string;
  /** SPANPATCH_DATABASE_URL: a PostgreSQL database used instead of the SQLite file; null when unset. */
  databaseUrl: string | null;
  /** SPANPATCH_DATABASE_READ_CONNECTIONS / _WRITE_CONNECTIONS: PostgreSQL pool sizes; null for the defaults. */
  databaseConnections: { reads: number | null; writes: number | null };
  apiKeys: ApiKey[];
  corsOrigins: string[];
  logLevel: LogLevel;
  maxBodyBytes: number;
  /** Most request-body bytes held at once over all requests. */
  maxBufferedBytes: number;
  staticDir: string | null;
  /**
   * SPANPATCH_TRUSTED_PROXY: the proxies (load balancers) in front of the server, as IP addresses and CIDR ranges;
   * only behind them is a client's address read from `X-Forwarded-For`. Empty when unset.
   */
  trustedProxies: string[];
  /**
   * SPANPATCH_DEMO: seed the demo project on an empty database. Unset: on for the embedded SQLite database, off
   * when SPANPATCH_DATABASE_URL names a PostgreSQL one (a shared, real database).
   */
  seedDemo: boolean;
  /** SPANPATCH_METRICS: serve GET /metrics (Prometheus). Default off. */
  metrics: boolean;
  /**
   * SPANPATCH_ARIZE_PROJECTS with ARIZE_SPACE_ID, ARIZE_API_KEY and ARIZE_FLIGHT_HOST / _PORT / _SCHEME: the
   * projects linked to Arize AX (SPEC §14); null when none is. Holds the API key: never log this object.
   */
  arize: ArizeConfig | null;
}

/** A switch variable: `0` (off) or `1` (on). */
function onOff(what: string) {
  return z
    .enum(['0', '1'], { error: `must be 0 or 1 (${what})` })
    .transform((value) => value === '1')
    .optional();
}

const origin = z.string().refine((text) => {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}, 'each CORS origin must look like http://host:port (no path, no trailing slash)');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().trim().min(1).optional(),
  SPANPATCH_DB: z.string().trim().min(1).default('./data/spanpatch.db'),
  SPANPATCH_DATABASE_URL: z
    .string()
    .trim()
    .refine(
      (text) => /^postgres(ql)?:\/\/./.test(text),
      'must be a PostgreSQL URL such as postgres://user:password@host:5432/spanpatch',
    )
    .optional(),
  SPANPATCH_DATABASE_READ_CONNECTIONS: z.coerce.number().int().min(1).max(1000).optional(),
  SPANPATCH_DATABASE_WRITE_CONNECTIONS: z.coerce.number().int().min(1).max(1000).optional(),
  SPANPATCH_API_KEYS: z
    .string()
    .default('')
    .transform((text, context) => {
      try {
        return parseApiKeys(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  SPANPATCH_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((text) =>
      text
        ?.split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .pipe(z.array(origin).optional()),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SPANPATCH_MAX_BODY_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
  SPANPATCH_MAX_BUFFERED_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BUFFERED_BYTES),
  SPANPATCH_STATIC_DIR: z.string().trim().min(1).optional(),
  SPANPATCH_TRUSTED_PROXY: z
    .string()
    .default('')
    .transform((text, context) => {
      try {
        return parseTrustedProxies(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  SPANPATCH_DEMO: onOff('1 seeds the demo project on an empty database, 0 never does'),
  SPANPATCH_METRICS: onOff('1 serves GET /metrics, 0 does not'),
});

/** Thrown when the environment does not configure a valid server; the message lists every problem. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the server's configuration from environment variables: PORT, HOST, SPANPATCH_DB,
 * SPANPATCH_DATABASE_URL (PostgreSQL instead of SQLite), SPANPATCH_DATABASE_READ_CONNECTIONS and
 * SPANPATCH_DATABASE_WRITE_CONNECTIONS (its pool sizes), SPANPATCH_API_KEYS (`name:key,name:key:read,…`),
 * SPANPATCH_CORS_ORIGINS (default none; the Vite dev server's when NODE_ENV=development), LOG_LEVEL,
 * SPANPATCH_MAX_BODY_BYTES, SPANPATCH_MAX_BUFFERED_BYTES, SPANPATCH_STATIC_DIR, SPANPATCH_TRUSTED_PROXY (addresses
 * and CIDR ranges), SPANPATCH_DEMO (0 or 1), SPANPATCH_METRICS (0 or 1), and the link to Arize AX
 * (SPANPATCH_ARIZE_PROJECTS, ARIZE_SPACE_ID, ARIZE_API_KEY, ARIZE_FLIGHT_HOST / _PORT / _SCHEME; see
 * `parseArizeConfig`). Empty variables count as unset.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServerConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = envSchema.safeParse(present);
  const arize = parseArizeConfig(present);
  if (!result.success || !arize.ok) {
    const problems = [
      ...(result.success ? [] : result.error.issues).map(
        (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
      ),
      ...(arize.ok ? [] : arize.errors).map((error) => `  ${error}`),
    ];
    throw new ConfigError(`Invalid server configuration:\n${problems.join('\n')}`);
  }
  const env_ = result.data;
  return {
    port: env_.PORT,
    host: env_.HOST ?? null,
    dbPath: env_.SPANPATCH_DB,
    databaseUrl: env_.SPANPATCH_DATABASE_URL ?? null,
    databaseConnections: {
      reads: env_.SPANPATCH_DATABASE_READ_CONNECTIONS ?? null,
      writes: env_.SPANPATCH_DATABASE_WRITE_CONNECTIONS ?? null,
    },
    apiKeys: env_.SPANPATCH_API_KEYS,
    corsOrigins:
      env_.SPANPATCH_CORS_ORIGINS ?? (env_.NODE_ENV === 'development' ? [...DEFAULT_CORS_ORIGINS] : []),
    logLevel: env_.LOG_LEVEL,
    maxBodyBytes: env_.SPANPATCH_MAX_BODY_BYTES,
    maxBufferedBytes: env_.SPANPATCH_MAX_BUFFERED_BYTES,
    staticDir: env_.SPANPATCH_STATIC_DIR ?? null,
    trustedProxies: env_.SPANPATCH_TRUSTED_PROXY,
    seedDemo: env_.SPANPATCH_DEMO ?? env_.SPANPATCH_DATABASE_URL === undefined,
    metrics: env_.SPANPATCH_METRICS ?? false,
    arize: arize.config,
  };
}
