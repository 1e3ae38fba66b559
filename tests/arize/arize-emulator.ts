import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Metadata } from '@grpc/grpc-js';
import { FlightTransport } from '@/server/arize/flight-transport';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

/**
 * The Python the Arize tests run (the emulator and the reference client need pyarrow with Flight, and pandas):
 * SPANPATCH_TEST_PYTHON, else the project's test environment `.venv-test/bin/python`. Missing: an error that says
 * how to make it, never a skip.
 */
export function testPython(): string {
  const chosen = process.env.SPANPATCH_TEST_PYTHON;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`SPANPATCH_TEST_PYTHON is ${chosen}, which does not exist.`);
    return chosen;
  }
  const venv = `${root}.venv-test/bin/python`;
  if (!existsSync(venv)) {
    throw new Error(
      'The Arize tests need Python with pyarrow and pandas at .venv-test/bin/python (or SPANPATCH_TEST_PYTHON). ' +
        'Run `npm test` once (its setup makes .venv-test), or make it by hand: python3 -m venv .venv-test && ' +
        '.venv-test/bin/pip install pyarrow pandas',
    );
  }
  return venv;
}

/** One request the emulator received, as it recorded it (tests/arize/emulator.py `do_put`). */
export interface RecordedPut {
  kind: 'do_put';
  descriptor: { type: string; command: string | null };
  headers: Record<string, string[]>;
  schema: {
    fields: { name: string; type: string; nullable: boolean }[];
    metadata: Record<string, string>;
    arize_schema: unknown;
  };
  batches: { num_rows: number; columns?: Record<string, (string | null)[]> }[];
  problems: string[];
  response?: unknown;
}

export interface RecordedExport {
  kind: 'export';
  command: string;
  problems: string[];
}

/** A span held by the emulator, as it keeps it. */
export interface EmulatedSpan {
  span_id: string;
  trace_id?: string;
  parent_id?: string | null;
  name?: string;
  kind?: string;
  start_ns?: number;
  end_ns?: number;
  metadata?: Record<string, unknown>;
}

export interface EmulatorOptions {
  spaceId: string;
  apiKey: string;
  projects?: string[];
  exportChunk?: number;
}

/** The emulator of Arize's Flight endpoint, running as a real process on a loopback port. */
export interface ArizeEmulator {
  port: number;
  /** What the emulator wrote to stderr so far (its Python errors, if any). */
  stderr(): string;
  configure(settings: {
    delay?: number;
    refuse_key?: boolean;
    answer?: 'normal' | 'garbage' | 'none' | 'contradict' | 'error';
    record_rows?: boolean;
  }): Promise<void>;
  seed(project: string, spans: EmulatedSpan[], generate?: number): Promise<void>;
  requests(): Promise<(RecordedPut | RecordedExport)[]>;
  spans(project: string): Promise<{ spans: EmulatedSpan[]; types: Record<string, string> }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts tests/arize/emulator.py and resolves once it prints the port it listens on. */
export function startArizeEmulator(options: EmulatorOptions): Promise<ArizeEmulator> {
  const args = [`${here}emulator.py`, '--space-id', options.spaceId, '--api-key', options.apiKey];
  for (const project of options.projects ?? []) args.push('--project', project);
  if (options.exportChunk !== undefined) args.push('--export-chunk', String(options.exportChunk));
  const child: ChildProcess = spawn(testPython(), args, { cwd: here, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the Arize emulator exited (${code}): ${errors}`));
    child.once('exit', onExit);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (!output.includes('\n') || line === undefined) return;
      child.off('exit', onExit);
      const port = (JSON.parse(line) as { port: number }).port;
      const control = new FlightTransport({ host: '127.0.0.1', port, scheme: 'grpc' }, () => new Metadata());
      const action = async (type: string, body: unknown = {}) => {
        const bodies = await control.doAction(`emulator.${type}`, Buffer.from(JSON.stringify(body)), {
          timeoutMs: 60_000,
        });
        const first = bodies[0];
        return first ? (JSON.parse(Buffer.from(first).toString('utf8')) as unknown) : null;
      };
      resolve({
        port,
        stderr: () => errors,
        configure: async (settings) => void (await action('configure', settings)),
        seed: async (project, spans, generate) =>
          void (await action('seed', { project, spans, ...(generate ? { generate } : {}) })),
        requests: async () => (await action('requests')) as (RecordedPut | RecordedExport)[],
        spans: async (project) =>
          (await action('spans', { project })) as { spans: EmulatedSpan[]; types: Record<string, string> },
        reset: async () => void (await action('reset')),
        stop: () =>
          new Promise<void>((stopped) => {
            control.close();
            if (child.exitCode !== null || child.signalCode !== null) {
              stopped();
              return;
            }
            child.once('exit', () => stopped());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Runs tests/arize/reference_client.py (a DoPut as the Arize SDK sends it) and answers what it printed. */
export function runReferenceClient(options: {
  port: number;
  spaceId: string;
  apiKey: string;
  project: string;
  input?: string;
  generate?: number;
}): Promise<{ response: unknown; seconds: { table: number; do_put: number; total: number } }> {
  const args = [
    `${here}reference_client.py`,
    '--space-id',
    options.spaceId,
    '--project',
    options.project,
    '--port',
    String(options.port),
    ...(options.input !== undefined
      ? ['--input', options.input]
      : ['--generate', String(options.generate ?? 0)]),
  ];
  const child = spawn(testPython(), args, {
    cwd: here,
    env: { PATH: process.env.PATH ?? '', ARIZE_API_KEY: options.apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the reference client exited (${code}): ${errors}`));
      else
        resolve(
          JSON.parse(output) as {
            response: unknown;
            seconds: { table: number; do_put: number; total: number };
          },
        );
    });
  });
}
