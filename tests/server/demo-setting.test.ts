import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/postgres-cluster';
import { getJson, testStore } from './test-server';

// SPANPATCH_DEMO, as `npm start` and `spanpatch serve` read it: both run `runServer` (src/server/main.ts), which is
// started here as a real process, on a SQLite file without SPANPATCH_DATABASE_URL, or on PostgreSQL with it.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spanpatch-demo-setting-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The server's entry point as a process; resolves with its URL once it listens. */
async function runServerProcess(
  env: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Spanpatch is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) =>
      reject(new Error(`the server exited (${code}) before it listened: ${errors}`)),
    );
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  };
}

/** The projects a new server shows on a new, empty database of this run's store, with SPANPATCH_DEMO as given. */
async function projectsOfNewServer(demo: string | undefined): Promise<unknown> {
  const store: Record<string, string> =
    testStore() === 'postgres'
      ? { SPANPATCH_DATABASE_URL: await createTestDatabase() }
      : { SPANPATCH_DB: join(await mkdtemp(join(dir, 'db-')), 'spans.db') };
  const server = await runServerProcess({
    ...store,
    ...(demo === undefined ? {} : { SPANPATCH_DEMO: demo }),
  });
  try {
    return await getJson(`${server.url}/api/v1/projects`);
  } finally {
    await server.stop();
  }
}

const seeded = {
  status: 200,
  body: { projects: [{ name: 'demo', spans: 5_000, target: { kind: 'local' } }] },
};
const empty = { status: 200, body: { projects: [] } };

describe('SPANPATCH_DEMO', () => {
  if (testStore() === 'sqlite') {
    it('unset, the embedded SQLite database gets the demo project', async () => {
      expect(await projectsOfNewServer(undefined)).toEqual(seeded);
    });

    it('0 leaves the SQLite database empty', async () => {
      expect(await projectsOfNewServer('0')).toEqual(empty);
    });
  } else {
    it('unset, a PostgreSQL database is never seeded', async () => {
      expect(await projectsOfNewServer(undefined)).toEqual(empty);
    });

    it('1 seeds the demo project on an empty PostgreSQL database too', async () => {
      expect(await projectsOfNewServer('1')).toEqual(seeded);
    }, 60_000);
  }
});
