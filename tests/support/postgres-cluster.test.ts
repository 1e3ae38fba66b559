import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { testStore } from '../server/test-server';
import { createTestDatabase, startPostgresCluster } from './postgres-cluster';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function pgFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('spanpatch-pg-'));
}

describe('the PostgreSQL test harness', () => {
  it('runs this project on PostgreSQL, with the cluster its global set-up started', async () => {
    expect(testStore()).toBe('postgres');
    expect(process.env.SPANPATCH_TEST_DATABASE_URL).toBe(inject('postgresUrl'));
    const [row] = await query<{ version: string }>(
      inject('postgresUrl'),
      "SELECT current_setting('server_version_num') AS version",
    );
    expect(Number(row?.version)).toBeGreaterThanOrEqual(130000);
  });

  it('gives each test server an empty database of its own, named after the run', async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(first).not.toBe(second);
    const prefix = inject('postgresDatabasePrefix');
    for (const url of [first, second]) {
      const name = new URL(url).pathname.slice(1);
      expect(name.startsWith(prefix)).toBe(true);
      const [row] = await query<{ db: string; tables: string }>(
        url,
        "SELECT current_database() AS db, (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public') AS tables",
      );
      expect(row).toEqual({ db: name, tables: '0' });
    }
    await query(first, 'CREATE TABLE only_in_first (id int)');
    const seen = await query<{ name: string }>(
      second,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(seen).toEqual([]);
  });

  it('starts a throwaway cluster on loopback with fsync off, and stop() ends it and removes its folder', async () => {
    if (!inject('postgresThrowaway')) {
      // On the server SPANPATCH_TEST_DATABASE_URL names, nothing is needed from this machine: nothing is started.
      const named = await startPostgresCluster();
      expect(named).toMatchObject({ url: process.env.SPANPATCH_TEST_DATABASE_URL, throwaway: false });
      await named.stop();
      expect(await query(named.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      return;
    }
    const before = await pgFolders();
    const cluster = await startPostgresCluster({ ...process.env, SPANPATCH_TEST_DATABASE_URL: '' });
    expect(cluster.throwaway).toBe(true);
    expect(new URL(cluster.url).hostname).toBe('127.0.0.1');
    const settings = await query<{ name: string; setting: string }>(
      cluster.url,
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'listen_addresses') ORDER BY name",
    );
    expect(settings).toEqual([
      { name: 'fsync', setting: 'off' },
      { name: 'listen_addresses', setting: '127.0.0.1' },
      { name: 'synchronous_commit', setting: 'off' },
    ]);
    const added = (await pgFolders()).filter((name) => !before.includes(name));
    expect(added).toHaveLength(1);
    await cluster.stop();
    expect(existsSync(join(tmpdir(), added[0] ?? ''))).toBe(false);
    await expect(query(cluster.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails with the reason, rather than skipping, when there is no PostgreSQL to run', async () => {
    await expect(
      startPostgresCluster({ PATH: '', SPANPATCH_SETUP_POSTGRES_ROOT: '', SPANPATCH_TEST_DATABASE_URL: '' }),
    ).rejects.toThrow(
      'No PostgreSQL for the server tests: none found: SPANPATCH_TEST_DATABASE_URL is unset; no folder on PATH holds initdb, pg_ctl, postgres.',
    );
    await expect(
      startPostgresCluster({ SPANPATCH_TEST_DATABASE_URL: 'mysql://someone:secret@db.example/spans' }),
    ).rejects.toThrow('SPANPATCH_TEST_DATABASE_URL is set to mysql://someone:***@db.example/spans');
    const closed = new URL(inject('postgresUrl'));
    closed.port = '1';
    await expect(startPostgresCluster({ SPANPATCH_TEST_DATABASE_URL: closed.toString() })).rejects.toThrow(
      /does not answer: .*ECONNREFUSED/,
    );
  });
});
