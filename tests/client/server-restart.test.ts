import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMetadata } from '@/client/log-metadata';
import { lookupSpans } from '@/client/span-requests';
import type { StoredSpanPatch } from '@/core/patch';
import { demoSpanIds } from '@/server/demo/demo-spans';
import { startServer } from '@/server/start-server';
import { ingestSpans, spanId } from '../server/test-server';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-restart-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const patchKeys = ['qa_status', 'qa_quality', 'qa_reviewer', 'qa_score'];
const newKeys = (i: number) => ({
  qa_status: 'reviewed',
  qa_quality: i % 5,
  qa_reviewer: 'ana',
  qa_score: 0.25,
});

/** Checks that every span holds all the patch's keys or none of them, and returns how many hold them. */
async function countFullyUpdated(baseUrl: string, project: string, ids: readonly string[]): Promise<number> {
  const { spans, missing } = await lookupSpans(project, ids, { baseUrl });
  expect(missing).toEqual([]);
  let updated = 0;
  for (const span of spans) {
    const present = patchKeys.filter((key) => Object.hasOwn(span.metadata, key));
    expect([0, 4], `span ${span.span_id} is half-updated: ${present.join(', ')}`).toContain(present.length);
    if (present.length === 4) updated++;
  }
  return updated;
}

describe('the client against a server stopped in the middle of a submission', () => {
  it('reports lost batches as connection_failure, and a second run completes them', async () => {
    const dbPath = join(dir, 'graceful.db');
    let server = await startServer({ port: 0, dbPath, logLevel: 'silent' });
    const { port, url } = server;
    const ids = Array.from({ length: 400 }, (_, i) => spanId(i + 1));
    await ingestSpans(
      server,
      'restart',
      ids.map((id) => ({ spanId: id })),
    );
    const patches: StoredSpanPatch[] = ids.map((id, i) => ({ span_id: id, patch_document: newKeys(i) }));

    let stopping: Promise<void> | null = null;
    const first = await logMetadata('restart', patches, {
      baseUrl: url,
      batchSize: 20,
      concurrency: 2,
      retryBaseDelayMs: 5,
      onProgress: (progress) => {
        if (progress.batchesDone === 5 && stopping === null) stopping = server.close();
      },
    });
    await stopping;
    expect(first.not_sent).toEqual([]);
    expect(first.spans_processed).toBe(400);
    expect(first.spans_updated).toBeGreaterThanOrEqual(100);
    expect(first.spans_updated).toBeLessThan(400);
    expect(first.spans_failed).toBe(400 - first.spans_updated);
    for (const error of first.errors) {
      expect(error.error_message).toMatch(
        /^\[connection_failure\] Could not reach the server: .+ \(after 4 attempts\)$/,
      );
    }

    server = await startServer({ port, dbPath, logLevel: 'silent' });
    try {
      expect(await countFullyUpdated(url, 'restart', ids)).toBe(first.spans_updated);
      const second = await logMetadata('restart', patches, {
        baseUrl: url,
        batchSize: 20,
        retryBaseDelayMs: 5,
      });
      expect(second).toMatchObject({ spans_processed: 400, spans_updated: 400, spans_failed: 0, errors: [] });
      expect(await countFullyUpdated(url, 'restart', ids)).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('survives the server process being killed mid-request: no span is half-updated', async () => {
    const dbPath = join(dir, 'killed.db');
    const port = await freePort();
    let child = await spawnServer(port, dbPath);
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      // The server seeds the demo project on its empty database.
      const ids = demoSpanIds();
      const patches: StoredSpanPatch[] = ids.map((id, i) => ({ span_id: id, patch_document: newKeys(i) }));
      const first = await logMetadata('demo', patches, {
        baseUrl,
        batchSize: 250,
        concurrency: 2,
        retryBaseDelayMs: 5,
        onProgress: (progress) => {
          if (progress.batchesDone === 4) child.kill('SIGKILL');
        },
      });
      expect(first.spans_updated).toBeLessThan(ids.length);
      expect(first.spans_updated + first.spans_failed).toBe(ids.length);
      expect(first.errors.every((error) => error.error_message.startsWith('[connection_failure] '))).toBe(
        true,
      );

      child = await spawnServer(port, dbPath);
      const applied = await countFullyUpdated(baseUrl, 'demo', ids);
      // A batch the server committed just before it died is applied although its answer was lost.
      expect(applied).toBeGreaterThanOrEqual(first.spans_updated);
      const second = await logMetadata('demo', patches, { baseUrl, batchSize: 1000, retryBaseDelayMs: 5 });
      expect(second).toMatchObject({ spans_updated: ids.length, spans_failed: 0 });
      expect(await countFullyUpdated(baseUrl, 'demo', ids)).toBe(ids.length);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs the real server entry point (`node --import tsx src/server/main.ts`) and waits until it listens. */
function spawnServer(port: number, dbPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(port),
      SPANPATCH_DB: dbPath,
      LOG_LEVEL: 'error',
      SPANPATCH_API_KEYS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Spanpatch is running at')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}
