import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  findOnPath,
  findPostgresBin,
  isPostgresUrl,
  POSTGRES_URL_VARIABLE,
  SYSTEM_REQUIREMENTS,
  withoutPassword,
} from '../../scripts/system-requirements.mjs';

// The PostgreSQL the server tests run against in vitest's `postgres` project: a throwaway cluster started once per
// run (tests/support/postgres-global-setup.ts), or the server SPANPATCH_TEST_DATABASE_URL names. Every test server
// gets a database of its own on it (createTestDatabase), so tests never see each other's rows.

const run = promisify(execFile);

/** A PostgreSQL server the tests may create databases on. */
export interface PostgresCluster {
  /** A database to connect to for CREATE DATABASE, e.g. postgres://postgres@127.0.0.1:54321/postgres. */
  url: string;
  /** True when this process started it (and stop() removes it); false for SPANPATCH_TEST_DATABASE_URL. */
  throwaway: boolean;
  /** Stops the cluster and removes its folder; nothing for a server it did not start. */
  stop(): Promise<void>;
  /**
   * A throwaway cluster only (null otherwise): stops the server as an outage would, keeping its data (connections
   * are refused until `restart`), and starts it again on the same port.
   */
  outage: { stop(): Promise<void>; restart(): Promise<void> } | null;
}

/** Settings for speed over durability: the cluster is thrown away at the end of the run. */
const CLUSTER_SETTINGS: Record<string, string> = {
  listen_addresses: "'127.0.0.1'",
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_buffers: "'32MB'",
  max_connections: '300',
  max_wal_size: "'1GB'",
  log_min_messages: 'warning',
};

/** Why no PostgreSQL was found, as `npm test`'s set-up says it. */
function whyNoPostgres(env: NodeJS.ProcessEnv): string {
  const requirement = SYSTEM_REQUIREMENTS.find((candidate) => candidate.setByHand === POSTGRES_URL_VARIABLE);
  return requirement === undefined ? 'none found.' : requirement.whyMissing(env);
}

/** The URL the tests' PostgreSQL is named by, or undefined when they start their own. */
function chosenUrl(env: NodeJS.ProcessEnv): string | undefined {
  const chosen = env[POSTGRES_URL_VARIABLE];
  if (chosen === undefined || chosen === '') return undefined;
  if (!isPostgresUrl(chosen)) {
    throw new Error(
      `${POSTGRES_URL_VARIABLE} is set to ${withoutPassword(chosen)}, which is not a postgres:// URL.`,
    );
  }
  return chosen;
}

/** A port nothing listens on at 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The uid and gid of the `postgres` user, which runs the cluster when the tests run as root. */
function postgresUser(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'The tests run as root, and PostgreSQL refuses to run as root, but there is no `postgres` user to run it as: ' +
        "install Debian's postgresql (apt-get install postgresql), which creates it, or set " +
        `${POSTGRES_URL_VARIABLE} to a PostgreSQL you have.`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command line that runs a program as the `postgres` user when this process is root, else as is. */
function asClusterOwner(program: string, args: readonly string[]): [string, string[]] {
  if (!isRoot()) return [program, [...args]];
  const runuser =
    findOnPath('runuser') ?? ['/usr/sbin/runuser', '/sbin/runuser'].find((path) => existsSync(path));
  if (runuser !== undefined) return [runuser, ['-u', 'postgres', '--', program, ...args]];
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [program, ...args].map(shellQuote).join(' ')]];
}

/** Runs a cluster program; on failure, throws with what it printed. */
async function runClusterProgram(program: string, args: readonly string[]): Promise<void> {
  const [command, commandArgs] = asClusterOwner(program, args);
  try {
    await run(command, commandArgs, { env: { ...process.env, LC_ALL: 'C' }, timeout: 120_000 });
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    const output = `${failure.stderr ?? ''}${failure.stdout ?? ''}`.trim();
    throw new Error(
      `${[command, ...commandArgs].join(' ')} failed: ${output === '' ? failure.message : output}`,
      { cause: error },
    );
  }
}

/** The last lines of the server's log, to explain why it did not start. */
async function logTail(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim().split('\n').slice(-10).join('\n');
  } catch {
    return '(no log was written)';
  }
}

/** Checks that the server answers, and says plainly which server did not. */
async function checkConnection(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `The tests' PostgreSQL at ${withoutPassword(url)} does not answer: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL the tests run against: the one SPANPATCH_TEST_DATABASE_URL names (nothing is started), else a
 * throwaway cluster (see startThrowawayCluster). Throws with the reason when neither is possible; the caller never
 * skips.
 */
export async function startPostgresCluster(env: NodeJS.ProcessEnv = process.env): Promise<PostgresCluster> {
  const chosen = chosenUrl(env);
  if (chosen !== undefined) {
    await checkConnection(chosen);
    return { url: chosen, throwaway: false, stop: async () => undefined, outage: null };
  }
  return startThrowawayCluster(env);
}

/** How a throwaway cluster may be stopped: `pg_ctl stop -m <mode>`. */
export type ShutdownMode = 'smart' | 'fast' | 'immediate';

/** A cluster this process started, which a test may restart, stop, crash and start again. */
export interface ThrowawayCluster extends PostgresCluster {
  throwaway: true;
  /** `pg_ctl restart -m <mode>`: returns once the server accepts connections again. */
  restart(mode: ShutdownMode): Promise<void>;
  /** `pg_ctl stop -m <mode>`: returns once the server is down. */
  shutdown(mode: ShutdownMode): Promise<void>;
  /** Ends the postmaster with SIGKILL, as a crash or the OOM killer would; its backends notice and exit. */
  kill(): Promise<void>;
  /**
   * Starts the server again on the same port after shutdown() or kill(): after a kill, once the old backends have
   * exited and released the shared memory (until then PostgreSQL refuses to start).
   */
  start(): Promise<void>;
}

/**
 * A throwaway cluster from the machine's initdb, pg_ctl and postgres (found as `npm test`'s set-up finds them), in
 * a fresh temp folder, listening on 127.0.0.1 on a free port with trust authentication, run as the `postgres` user
 * when this process is root. `settings` override those of postgresql.conf (CLUSTER_SETTINGS). Throws with the
 * reason when there is no PostgreSQL to start.
 */
export async function startThrowawayCluster(
  env: NodeJS.ProcessEnv = process.env,
  settings: Readonly<Record<string, string>> = {},
): Promise<ThrowawayCluster> {
  const bin = findPostgresBin(env);
  if (bin === undefined) {
    throw new Error(
      `No PostgreSQL for the server tests: ${whyNoPostgres(env)} Run \`node scripts/test-setup.mjs\` (it ` +
        `installs Debian's postgresql when it can, else says what to run), or set ${POSTGRES_URL_VARIABLE}.`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-pg-'));
  try {
    if (isRoot()) {
      const { uid, gid } = postgresUser();
      await chown(dir, uid, gid);
    }
    const data = join(dir, 'data');
    const log = join(dir, 'postgres.log');
    const pgCtl = join(bin, 'pg_ctl');
    await runClusterProgram(join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const conf = Object.entries({ ...CLUSTER_SETTINGS, ...settings, unix_socket_directories: `'${dir}'` })
      .map(([name, value]) => `${name} = ${value}`)
      .join('\n');
    await appendFile(join(data, 'postgresql.conf'), `\n# spanpatch tests\n${conf}\n`);

    // A port found free can be taken before the server binds it: then try another.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      const startArgs = ['start', '-D', data, '-l', log, '-w', '-t', '60', '-s', '-o', `-p ${port}`];
      try {
        await runClusterProgram(pgCtl, startArgs);
      } catch (error) {
        lastError = new Error(
          `${(error as Error).message}\nThe server's log ends with:\n${await logTail(log)}`,
        );
        continue;
      }
      const stopArgs = (mode: ShutdownMode) => ['stop', '-D', data, '-m', mode, '-w', '-s'];
      const stopNow = () => {
        spawnSync(...asClusterOwner(pgCtl, stopArgs('immediate')), { stdio: 'ignore' });
        rmSync(dir, { recursive: true, force: true });
      };
      // If the run ends without teardown (an uncaught error, process.exit), the server must not outlive it.
      process.once('exit', stopNow);
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      try {
        await checkConnection(url);
      } catch (error) {
        process.removeListener('exit', stopNow);
        stopNow();
        throw error;
      }
      return {
        url,
        throwaway: true,
        async stop() {
          process.removeListener('exit', stopNow);
          if (isRunning(data)) await runClusterProgram(pgCtl, stopArgs('immediate'));
          await rm(dir, { recursive: true, force: true });
        },
        async restart(mode) {
          await runClusterProgram(pgCtl, [
            'restart',
            ...stopArgs(mode).slice(1),
            '-l',
            log,
            '-o',
            `-p ${port}`,
          ]);
        },
        async shutdown(mode) {
          await runClusterProgram(pgCtl, stopArgs(mode));
        },
        async kill() {
          const pid = postmasterPid(data);
          if (pid === null)
            throw new Error('The test cluster is not running: there is no postmaster to kill');
          const backends = childrenOf(pid);
          process.kill(pid, 'SIGKILL');
          await waitFor(
            () => !isAlive(pid) && backends.every((backend) => !isAlive(backend)),
            'the killed postmaster and its backends to exit',
          );
        },
        async start() {
          // NOTE: after a SIGKILL, PostgreSQL refuses to start while a backend of the old postmaster still holds
          // the shared memory; the backends exit as soon as they notice their postmaster is gone.
          let failure: unknown;
          for (let tries = 0; tries < 60; tries += 1) {
            try {
              await runClusterProgram(pgCtl, startArgs);
              return;
            } catch (error) {
              failure = error;
              await new Promise((resolve) => setTimeout(resolve, 500));
            }
          }
          throw new Error(
            `${(failure as Error).message}\nThe server's log ends with:\n${await logTail(log)}`,
          );
        },
        outage: {
          stop: () => runClusterProgram(pgCtl, ['stop', '-D', data, '-m', 'fast', '-w', '-s']),
          restart: () =>
            runClusterProgram(pgCtl, ['start', '-D', data, '-l', log, '-w', '-s', '-o', `-p ${port}`]),
        },
      };
    }
    throw lastError;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The postmaster's process ID from its postmaster.pid, or null when there is none. */
function postmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True while a process runs (a zombie, ended but not yet reaped by its parent, counts as ended). */
function isAlive(pid: number): boolean {
  if (existsSync('/proc')) {
    try {
      const stat = readFileSync(join('/proc', String(pid), 'stat'), 'utf8');
      return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes a process started (its backends, for a postmaster), as Linux's /proc lists them. */
function childrenOf(parent: number): number[] {
  if (!existsSync('/proc')) return [];
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The parent's ID is the second field after the command, which is in parentheses and may hold spaces.
      const stat = readFileSync(join('/proc', name, 'stat'), 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(name));
    } catch {
      // The process ended meanwhile.
    }
  }
  return children;
}

/** True when the cluster's postmaster is running. */
function isRunning(data: string): boolean {
  const pid = postmasterPid(data);
  return pid !== null && isAlive(pid);
}

/** Waits until `done()` holds, checking every 50 ms, for at most a minute. */
async function waitFor(done: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 1200; tries += 1) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

/** A short random name part for this run, so that databases of two runs on one server never collide. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** The prefix of every database this run creates: spanpatch_test_<run>_. */
export function databasePrefix(runId: string): string {
  return `spanpatch_test_${runId}_`;
}

/** The URL of the same server with another database. */
export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

/** Runs statements on a server's maintenance database, one connection. */
async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where createTestDatabase creates databases: set for each test file of the `postgres` project. */
function serverUrl(): string {
  const url = process.env[POSTGRES_URL_VARIABLE];
  if (url === undefined || url === '') {
    throw new Error(
      `createTestDatabase needs ${POSTGRES_URL_VARIABLE}: run the test in vitest's postgres project ` +
        '(`npx vitest run --project postgres`), whose set-up starts the cluster and sets it.',
    );
  }
  return url;
}

/**
 * Creates an empty database for one test server on the tests' PostgreSQL and returns its URL. Its name is
 * spanpatch_test_<run>_<random>; the run's databases go with the throwaway cluster, or are dropped at the end of
 * the run on a server named by SPANPATCH_TEST_DATABASE_URL. `url`: another server to create it on (a cluster a
 * test started for itself).
 */
export async function createTestDatabase(url: string = serverUrl()): Promise<string> {
  const prefix = process.env.SPANPATCH_TEST_DATABASE_PREFIX ?? databasePrefix(newRunId());
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  try {
    await onServer(url, (client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    throw new Error(
      `Could not create the test database ${name} on ${withoutPassword(url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return withDatabase(url, name);
}

/** Drops every database of a run (on a server the tests did not start, where they would otherwise stay). */
export async function dropRunDatabases(url: string, prefix: string): Promise<void> {
  await onServer(url, async (client) => {
    const found = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of found.rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname.replaceAll('"', '""')}" WITH (FORCE)`);
    }
  });
}

/** True when the database holds at least one table of its own (the store's migrations ran there). */
export async function hasTables(url: string): Promise<boolean> {
  return onServer(url, async (client) => {
    const result = await client.query<{ count: string }>(
      "SELECT count(*) AS count FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    return Number(result.rows[0]?.count ?? 0) > 0;
  });
}
