import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { patchResponseSchema } from '@/core/api';
import { spansFoundSchema } from '@/core/api/api-schema';
import { SCHEMA_VERSION } from '@/server/store/postgres/postgres-migrations';
import { withDatabase } from '../support/postgres-cluster';
import { type ServerProcess, startServerProcess, stopServerProcess } from '../support/server-process';
import { getJson, ingestSpans, postJson, spanId } from './test-server';

// The README's SQL that creates the PostgreSQL role and database, run as it is written (a `<!-- test: NAME -->`
// line marks each block), then a real server started as that role: it must migrate, serve and write with exactly
// those privileges. The names `spanpatch` and the password `change-me` are replaced by names of this run.

/** The SQL block the README marks with `<!-- test: NAME -->`. */
async function readmeSql(name: string): Promise<string> {
  const readme = await readFile('README.md', 'utf8');
  const match = new RegExp(`<!-- test: ${name} -->\\s*\`\`\`sql\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (match?.[1] === undefined) throw new Error(`README.md has no SQL block marked <!-- test: ${name} -->`);
  return match[1];
}

/** One step of a psql script: a statement to run, or `\connect` to another database. */
type Step = { connect: string } | { statement: string };

/** A psql script's steps, as psql runs them: one statement at a time (CREATE DATABASE cannot share a transaction). */
function psqlSteps(script: string): Step[] {
  const steps: Step[] = [];
  let statement = '';
  for (const raw of script.split('\n')) {
    const line = raw.replace(/--.*$/, '').trim();
    const connect = /^\\(?:connect|c)\s+(\S+)$/.exec(line);
    if (connect?.[1] !== undefined) {
      steps.push({ connect: connect[1] });
      continue;
    }
    statement += `${line}\n`;
    if (line.endsWith(';')) {
      steps.push({ statement: statement.trim() });
      statement = '';
    }
  }
  if (statement.trim() !== '') throw new Error(`A statement without its ';': ${statement.trim()}`);
  return steps;
}

/** Runs the README's script as the tests' superuser, `spanpatch` (role and database) renamed to `name`. */
async function runAsAdmin(script: string, name: string, password: string): Promise<void> {
  const admin = process.env.SPANPATCH_TEST_DATABASE_URL ?? '';
  const renamed = script.replace(/\bspanpatch\b/g, name).replaceAll("'change-me'", `'${password}'`);
  let client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    for (const step of psqlSteps(renamed)) {
      if ('connect' in step) {
        await client.end();
        client = new pg.Client({ connectionString: withDatabase(admin, step.connect) });
        await client.connect();
      } else {
        await client.query(step.statement);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL the server uses: the role's own name and password, on its database. */
function roleUrl(name: string, password: string): string {
  const url = new URL(withDatabase(process.env.SPANPATCH_TEST_DATABASE_URL ?? '', name));
  url.username = name;
  url.password = password;
  return url.toString();
}

const created: string[] = [];
const servers: ServerProcess[] = [];

/** A role and database name of this run: dropped with the run's databases on a server the tests did not start. */
function newName(): string {
  const prefix = process.env.SPANPATCH_TEST_DATABASE_PREFIX ?? 'spanpatch_test_';
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  created.push(name);
  return name;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => stopServerProcess(server)));
  const admin = new pg.Client({ connectionString: process.env.SPANPATCH_TEST_DATABASE_URL ?? '' });
  await admin.connect();
  try {
    for (const name of created) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${name}`);
    }
  } finally {
    await admin.end();
  }
}, 60_000);

/** Starts a server as the role, then checks that it migrated, reads, writes and searches names (pg_trgm). */
async function serveAsRole(name: string, password: string): Promise<void> {
  const server = await startServerProcess({ SPANPATCH_DATABASE_URL: roleUrl(name, password) });
  servers.push(server);
  expect(await getJson(`${server.url}/readyz`)).toEqual({
    status: 200,
    body: { status: 'ok', store: { kind: 'postgres', schema_version: SCHEMA_VERSION } },
  });
  await ingestSpans(server, 'reviews', [
    { spanId: spanId(1), name: 'rerank documents' },
    { spanId: spanId(2), name: 'llm call' },
  ]);
  const patched = await postJson(`${server.url}/api/v1/projects/reviews/spans/metadata`, {
    spans: [{ span_id: spanId(1), patch_document: { reviewed: 'true' } }],
  });
  expect(patched.status).toBe(200);
  expect(patchResponseSchema.parse(patched.body)).toMatchObject({ spans_updated: 1, spans_failed: 0 });
  const found = await postJson(`${server.url}/api/v1/projects/reviews/spans/query`, {
    filter: { text: 'rerank' },
  });
  expect(found.status).toBe(200);
  expect(spansFoundSchema.parse(found.body).spans.map((span) => span.span_id)).toEqual([spanId(1)]);

  // The role is an ordinary one: none of the powers a superuser, a database or role creator has.
  const asRole = new pg.Client({ connectionString: roleUrl(name, password) });
  await asRole.connect();
  try {
    const [role] = (
      await asRole.query<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
        'SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user',
      )
    ).rows;
    expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
    const extension = await asRole.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'");
    expect(extension.rowCount).toBe(1);
  } finally {
    await asRole.end();
  }
}

describe("the README's PostgreSQL role and database", () => {
  it('a role that owns its database: the server creates pg_trgm and its tables, and serves', async () => {
    const name = newName();
    const password = randomBytes(9).toString('hex');
    await runAsAdmin(await readmeSql('postgres-role-owner'), name, password);
    await serveAsRole(name, password);
  }, 120_000);

  it('a role granted the schema of a database it does not own, pg_trgm created for it: the server serves', async () => {
    const name = newName();
    const password = randomBytes(9).toString('hex');
    await runAsAdmin(await readmeSql('postgres-role-grants'), name, password);
    await serveAsRole(name, password);
  }, 120_000);
});
