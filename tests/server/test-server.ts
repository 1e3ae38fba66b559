import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanError, SubmissionChange, SubmissionDetail } from '@/core/api';
import { spanErrorSchema, submissionChangeSchema, submissionDetailSchema } from '@/core/api/api-schema';
import { type RunningServer, type StartServerOptions, startServer } from '@/server/start-server';
import { createTestDatabase, hasTables } from '../support/postgres-cluster';

/** The store the server tests run against: SQLite, or PostgreSQL in vitest's `postgres` project. */
export type TestStore = 'sqlite' | 'postgres';

/** The store of this run, from SPANPATCH_TEST_STORE (set by the vitest project); SQLite when unset. */
export function testStore(): TestStore {
  const store = process.env.SPANPATCH_TEST_STORE;
  if (store === undefined || store === '' || store === 'sqlite') return 'sqlite';
  if (store === 'postgres') return 'postgres';
  throw new Error(`SPANPATCH_TEST_STORE is ${store}; it must be sqlite or postgres`);
}

/**
 * A server on an ephemeral 127.0.0.1 port with a SQLite file in its own temp folder, or, in the `postgres` project,
 * a PostgreSQL database of its own.
 */
export interface TestServer extends RunningServer {
  dir: string;
  dbPath: string;
  /** The server's PostgreSQL database, or null when it runs on SQLite. */
  databaseUrl: string | null;
  /** Closes the server and removes its folder. */
  stop(): Promise<void>;
}

/** Starts a server for a test, on the run's store (see testStore); call `stop()` after. */
export async function startTestServer(options: Partial<StartServerOptions> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-test-'));
  const dbPath = join(dir, 'spans.db');
  const databaseUrl = testStore() === 'postgres' ? await createTestDatabase() : null;
  const storeOptions: { databaseUrl?: string } = databaseUrl === null ? {} : { databaseUrl };
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dbPath,
    logLevel: 'silent',
    ...storeOptions,
    ...options,
  });
  // A server that ignored its database URL would run the PostgreSQL project on SQLite without a word.
  if (databaseUrl !== null && !(await hasTables(databaseUrl))) {
    await server.close();
    throw new Error(
      `The test server was given the PostgreSQL database ${databaseUrl}, but created no table in it: ` +
        'startServer did not open it (does it take `databaseUrl`?).',
    );
  }
  return {
    ...server,
    dir,
    dbPath,
    databaseUrl,
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A span to send over OTLP/JSON in a test. */
export interface TestSpan {
  spanId: string;
  traceId?: string;
  name?: string;
  kind?: string;
  /** The OpenInference metadata attribute: an object is sent as JSON text. */
  metadata?: unknown;
  startTimeUnixNano?: string;
  /** More OTLP attributes (`{ key, value: AnyValue }`), sent as they are. */
  attributes?: readonly unknown[];
}

/** An OTLP/JSON ExportTraceServiceRequest for spans of one project. */
export function otlpJson(project: string | null, spans: readonly TestSpan[]): unknown {
  const resourceAttributes =
    project === null ? [] : [{ key: 'openinference.project.name', value: { stringValue: project } }];
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((span, index) => {
              const attributes: unknown[] = [];
              if (span.kind)
                attributes.push({ key: 'openinference.span.kind', value: { stringValue: span.kind } });
              if (span.metadata !== undefined) {
                const text =
                  typeof span.metadata === 'string' ? span.metadata : JSON.stringify(span.metadata);
                attributes.push({ key: 'metadata', value: { stringValue: text } });
              }
              attributes.push(...(span.attributes ?? []));
              return {
                traceId: span.traceId ?? '0af7651916cd43dd8448eb211c80319c',
                spanId: span.spanId,
                name: span.name ?? `span ${index}`,
                kind: 1,
                startTimeUnixNano:
                  span.startTimeUnixNano ?? String(1_746_432_000_000_000_000n + BigInt(index) * 1_000_000n),
                endTimeUnixNano: String(1_746_432_000_000_000_000n + BigInt(index) * 1_000_000n + 500_000n),
                attributes,
              };
            }),
          },
        ],
      },
    ],
  };
}

/** Stores spans in a project through the OTLP/JSON ingest route (through the server's `fetch` when it has one). */
export async function ingestSpans(
  server: { url: string; fetch?: typeof fetch },
  project: string,
  spans: readonly TestSpan[],
  headers: Record<string, string> = {},
): Promise<void> {
  const response = await (server.fetch ?? fetch)(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(otlpJson(project, spans)),
  });
  if (response.status !== 200) throw new Error(`ingest failed: ${response.status} ${await response.text()}`);
}

/** A 16-hex-character span ID made from a number, for readable tests. */
export function spanId(n: number): string {
  return n.toString(16).padStart(16, '0');
}

/** POSTs JSON and returns the status, headers and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** GETs JSON and returns the status and parsed body. */
export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.json() };
}

/** Every row of a paged list of a submission (`changes` or `errors`), following `next_cursor`. */
async function allPages<T>(
  url: string,
  field: 'changes' | 'errors',
  headers: Record<string, string>,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await getJson(`${url}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, headers);
    if (page.status !== 200) throw new Error(`GET ${url} answered ${page.status}`);
    const body = page.body as { next_cursor: string | null } & Record<string, T[]>;
    rows.push(...(body[field] ?? []));
    cursor = body.next_cursor;
  } while (cursor !== null);
  return rows;
}

/** A submission as the server records it: its detail, with every change and error read through the paged routes. */
export async function submissionRecord(
  server: { url: string },
  id: string,
  headers: Record<string, string> = {},
): Promise<SubmissionDetail & { changes: SubmissionChange[]; errors: SpanError[] }> {
  const detail = await getJson(`${server.url}/api/v1/submissions/${id}`, headers);
  if (detail.status !== 200) throw new Error(`GET submission ${id} answered ${detail.status}`);
  const base = `${server.url}/api/v1/submissions/${id}`;
  return {
    ...submissionDetailSchema.parse(detail.body),
    changes: submissionChangeSchema.array().parse(await allPages(`${base}/changes`, 'changes', headers)),
    errors: spanErrorSchema.array().parse(await allPages(`${base}/errors`, 'errors', headers)),
  };
}
