import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The launcher `npx spanpatch` runs. */
export const BIN = fileURLToPath(new URL('../../bin/spanpatch.mjs', import.meta.url));

/** What a finished run of the command line left. */
export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A run of the command line as a real process: `node bin/spanpatch.mjs …`, without a terminal. */
export interface CliProcess {
  child: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  finished: Promise<CliRun>;
}

/** The environment of a run: the test's, without a key or server of its own, without colours. */
function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !['SPANPATCH_KEY', 'SPANPATCH_URL', 'FORCE_COLOR'].includes(name) && !(name in env),
  );
  const given = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return Object.fromEntries([...inherited, ...given, ['NO_COLOR', '1']]);
}

/** Starts `spanpatch <args>` in `cwd`; standard input is closed (not a terminal). */
export function startCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const finished = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    finished,
  };
}

/** Runs `spanpatch <args>` to its end. */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliRun> {
  return startCli(args, options).finished;
}

/** A temporary folder for a test's files; `remove()` after. */
export async function tempFolder(): Promise<{
  dir: string;
  write(name: string, text: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'spanpatch-cli-'));
  return {
    dir,
    async write(name, text) {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** CSV text from a header and rows (no quoting needed by the tests' values unless they quote them). */
export function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`;
}

/** A proxy in front of a server that holds every request for `delayMs` first: a slow server, for Ctrl+C. */
export interface SlowProxy {
  url: string;
  /** Requests received and not answered yet (including those whose client went away). */
  readonly inFlight: number;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    // A client gone before the end of its body (a cancel): nothing to pass on.
    request.on('close', () => reject(new Error('the client went away')));
  });
}

/** Starts a slow proxy to `target` on an ephemeral 127.0.0.1 port. */
export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const done = () => {
    inFlight--;
    if (inFlight === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  };
  const server: Server = createServer((request, response) => {
    inFlight++;
    void (async () => {
      try {
        const body = await readBody(request);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'idempotency-key', 'authorization', 'accept']) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const answer = await fetch(`${target}${request.url ?? '/'}`, {
          method: request.method,
          headers,
          body: request.method === 'GET' || request.method === 'HEAD' ? null : new Uint8Array(body),
        });
        const text = await answer.text();
        response.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'text/plain',
        });
        response.end(text);
      } catch {
        response.destroy();
      } finally {
        done();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get inFlight() {
      return inFlight;
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
