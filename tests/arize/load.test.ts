import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArizeClient,
  ArizeLoadError,
  type ArizeSpansPage,
  checkLoadWindow,
  createArizeClient,
} from '@/server/arize';
import { spansExportCommand } from '@/server/arize/sdk-requests';
import { type ArizeEmulator, type RecordedExport, startArizeEmulator } from './arize-emulator';

const SPACE = 'U3BhY2U6NDI=';
const KEY = 'ak-load-9d8c7b6a5f4e';
const PROJECT = 'chat-v2';
/** 2026-03-01T00:00:00Z in nanoseconds. */
const MARCH = 1_772_323_200n * 1_000_000_000n;

let emulator: ArizeEmulator;
let client: ArizeClient;
const clients: ArizeClient[] = [];

function clientFor(port: number, apiKey = KEY, timeoutMs?: number): ArizeClient {
  const made = createArizeClient(
    { spaceId: SPACE, apiKey, flight: { host: '127.0.0.1', port, scheme: 'grpc' } },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  clients.push(made);
  return made;
}

async function pages(iterator: AsyncIterable<ArizeSpansPage>): Promise<ArizeSpansPage[]> {
  const all: ArizeSpansPage[] = [];
  for await (const page of iterator) all.push(page);
  return all;
}

async function loadError(iterator: AsyncIterable<ArizeSpansPage>): Promise<ArizeLoadError> {
  try {
    await pages(iterator);
  } catch (error) {
    if (error instanceof ArizeLoadError) {
      expect(error.message).not.toContain(KEY);
      return error;
    }
    throw error;
  }
  throw new Error('expected the load to fail');
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const minute = 60n * 1_000_000_000n;
const seeded = [
  {
    span_id: 'c000000000000001',
    trace_id: 'd0000000000000000000000000000001',
    parent_id: null,
    name: 'chat',
    kind: 'chain',
    start_ns: Number(MARCH + minute),
    end_ns: Number(MARCH + minute) + 1_500_000_000,
    metadata: { reviewed: 'true', quality: 3 },
  },
  {
    span_id: 'c000000000000002',
    trace_id: 'd0000000000000000000000000000001',
    parent_id: 'c000000000000001',
    name: 'ChatCompletion',
    kind: 'LLM',
    start_ns: Number(MARCH + 2n * minute),
    end_ns: Number(MARCH + 2n * minute) + 250_000_000,
    metadata: {},
  },
  {
    span_id: 'c000000000000003',
    trace_id: 'd0000000000000000000000000000002',
    parent_id: null,
    name: 'retrieve',
    kind: 'RETRIEVER',
    start_ns: Number(MARCH + 3n * minute),
    end_ns: Number(MARCH + 3n * minute),
    metadata: { score: 0.5 },
  },
  {
    span_id: 'c000000000000004',
    trace_id: 'd0000000000000000000000000000003',
    parent_id: null,
    name: 'later',
    kind: 'TOOL',
    start_ns: Number(MARCH + 60n * 24n * 60n * minute),
    end_ns: Number(MARCH + 60n * 24n * 60n * minute),
    metadata: {},
  },
];

beforeAll(async () => {
  emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: [PROJECT], exportChunk: 2 });
  await emulator.seed(PROJECT, seeded);
  client = clientFor(emulator.port);
});

afterEach(async () => {
  await emulator.reset();
});

afterAll(async () => {
  for (const made of clients) made.close();
  await emulator?.stop();
});

const window = {
  arizeProject: PROJECT,
  start: new Date('2026-03-01T00:00:00Z'),
  end: new Date('2026-03-02T00:00:00Z'),
};

describe('loadSpans from the emulated Arize AX', () => {
  it("reads a window's spans with the SDK's export query, a page per exported record batch", async () => {
    const loaded = await pages(client.loadSpans(window));
    expect(loaded.map((page) => page.spans.length)).toEqual([2, 1]);
    expect(loaded.every((page) => page.totalRecords === 3 && page.skipped === 0)).toBe(true);
    expect(loaded.flatMap((page) => page.spans)).toEqual([
      {
        spanId: 'c000000000000001',
        traceId: 'd0000000000000000000000000000001',
        parentSpanId: null,
        name: 'chat',
        kind: 'CHAIN',
        startTime: '2026-03-01T00:01:00.000Z',
        endTime: '2026-03-01T00:01:01.500Z',
        metadata: '{"reviewed": "true", "quality": 3}',
      },
      {
        spanId: 'c000000000000002',
        traceId: 'd0000000000000000000000000000001',
        parentSpanId: 'c000000000000001',
        name: 'ChatCompletion',
        kind: 'LLM',
        startTime: '2026-03-01T00:02:00.000Z',
        endTime: '2026-03-01T00:02:00.250Z',
        metadata: undefined,
      },
      {
        spanId: 'c000000000000003',
        traceId: 'd0000000000000000000000000000002',
        parentSpanId: null,
        name: 'retrieve',
        kind: 'RETRIEVER',
        startTime: '2026-03-01T00:03:00.000Z',
        endTime: '2026-03-01T00:03:00.000Z',
        metadata: '{"score": 0.5}',
      },
    ]);
    const requests = (await emulator.requests()) as RecordedExport[];
    // GetFlightInfo, then DoGet on its ticket (which the emulator reads as the same query).
    expect(requests.map((request) => request.kind)).toEqual(['export', 'export']);
    for (const request of requests) {
      expect(request.problems).toEqual([]);
      expect(request.command).toBe(spansExportCommand(SPACE, PROJECT, window.start, window.end));
    }
  });

  it('reads nothing, and calls no DoGet, for a window without spans', async () => {
    const empty = {
      ...window,
      start: new Date('2025-01-01T00:00:00Z'),
      end: new Date('2025-01-20T00:00:00Z'),
    };
    expect(await pages(client.loadSpans(empty))).toEqual([]);
    expect((await emulator.requests()).length).toBe(1);
  });

  it('refuses a window that is not one, before calling Arize', async () => {
    const longest = { ...window, end: new Date(window.start.getTime() + 31 * 86_400_000) };
    expect(checkLoadWindow(longest.start, longest.end)).toBeNull();
    expect(checkLoadWindow(window.start, new Date(longest.end.getTime() + 1000))).toBe(
      'a load reads at most 31 days at a time',
    );
    expect(checkLoadWindow(window.end, window.start)).toBe('end must be after start');
    expect(checkLoadWindow(new Date('nope'), window.end)).toBe('start and end must be valid times');
    await expect(pages(client.loadSpans({ ...window, end: window.start }))).rejects.toThrow(RangeError);
    expect(await emulator.requests()).toEqual([]);
  });

  it('fails with a typed error when the project is unknown, the key refused, or Arize down or slow', async () => {
    expect((await loadError(client.loadSpans({ ...window, arizeProject: 'nope' }))).failure).toMatchObject({
      kind: 'project_unknown',
      grpcStatus: 'NOT_FOUND',
    });
    expect((await loadError(clientFor(emulator.port, 'wrong').loadSpans(window))).failure.kind).toBe(
      'key_refused',
    );
    const port = await closedPort();
    expect((await loadError(clientFor(port).loadSpans(window))).failure).toMatchObject({
      kind: 'unreachable',
      reason: `Arize AX could not be reached at 127.0.0.1:${port} (connection refused)`,
    });
    await emulator.configure({ delay: 120 });
    expect((await loadError(clientFor(emulator.port, KEY, 300).loadSpans(window))).failure).toMatchObject({
      kind: 'timeout',
      reason: `Arize AX at 127.0.0.1:${emulator.port} did not answer within 0.3 s`,
    });
  });
});

describe('checkConnection', () => {
  it('answers ok, key refused, project unknown or unreachable', async () => {
    expect(await client.checkConnection(PROJECT)).toEqual({ status: 'ok' });
    const unknown = await client.checkConnection('nope');
    expect(unknown).toMatchObject({ status: 'project_unknown', failure: { kind: 'project_unknown' } });
    if (unknown.status !== 'ok')
      expect(unknown.failure.reason).toMatch(/^Arize AX knows no project 'nope' in this space/);
    const refused = await clientFor(emulator.port, 'wrong-key').checkConnection(PROJECT);
    expect(refused).toMatchObject({ status: 'key_refused' });
    await emulator.configure({ refuse_key: true });
    const refusedAll = await client.checkConnection(PROJECT);
    expect(refusedAll).toMatchObject({ status: 'key_refused' });
    expect(JSON.stringify(refusedAll)).not.toContain(KEY);
    expect(await clientFor(await closedPort()).checkConnection(PROJECT)).toMatchObject({
      status: 'unreachable',
    });
    const exports = (await emulator.requests()) as RecordedExport[];
    expect(exports.every((request) => request.problems.length === 0)).toBe(true);
  });
});
