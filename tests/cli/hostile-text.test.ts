import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregatedResponse, Submission } from '@/core/api';
import { type CliRun, csv, runCli, tempFolder } from './cli-process';

/** Anything a terminal obeys: C0 but tab and line feed, DEL, C1, bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const OBEYED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/**
 * Text a hostile server (or file) sends: clears the screen, homes the cursor, sets the title, hides what follows,
 * writes over the line, reverses text, and starts lines of its own that look like the command line's.
 */
const FORGERY =
  '\x1b[2J\x1b[H\x1b]0;owned\x07\u009b2J\x1b[8m\rAll spans applied\u202edeilppa\u202c\n  Sent 9 · Updated 9\r\n';

/** Whether a forged line stands on a line of its own in the output. */
function forgedLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s*(All spans applied|Sent 9 · Updated 9)/.test(line));
}

function expectPrintable(run: CliRun): void {
  expect(run.stdout).not.toMatch(OBEYED);
  expect(run.stderr).not.toMatch(OBEYED);
  expect(forgedLines(run.stdout)).toEqual([]);
  expect(forgedLines(run.stderr)).toEqual([]);
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(JSON.parse(text)));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const hostileSubmission: Submission = {
  id: `sub-1${FORGERY}`,
  project: `cli${FORGERY}`,
  kind: 'patch',
  label: `review.csv${FORGERY}`,
  reverts: null,
  reverted_by: null,
  created_at: '2025-05-05T12:00:00.000Z',
  finished_at: '2025-05-05T12:00:01.000Z',
  key_name: `ana${FORGERY}`,
  batches: 1,
  spans_processed: 2,
  spans_updated: 0,
  spans_unchanged: 0,
  spans_failed: 2,
} as Submission;

/** A server that answers every route the command line calls with text meant to take over a terminal. */
function hostileServer(): Server {
  return createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/api/v1/submissions') {
        answer(response, 200, { submissions: [hostileSubmission], next_cursor: `next${FORGERY}` });
      } else if (url.pathname.endsWith('/metadata/fields')) {
        answer(response, 200, { fields: [] });
      } else if (url.pathname.endsWith('/spans/metadata')) {
        const body = (await readJson(request)) as { spans: { span_id: string }[] };
        answer(response, 200, {
          spans_processed: body.spans.length,
          spans_updated: 0,
          spans_unchanged: 0,
          spans_failed: body.spans.length,
          errors: body.spans.map((span) => ({
            span_id: span.span_id,
            error_message: `[type_conflict${FORGERY}] Type conflict on 'score'${FORGERY}`,
          })),
          submission_id: `sub-2${FORGERY}`,
        });
      } else {
        answer(response, 404, { error: { code: 'not_found', message: `No such thing.${FORGERY}` } });
      }
    })();
  });
}

let server: Server;
let url: string;
let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  folder = await tempFolder();
  server = hostileServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await folder.remove();
});

describe('text the command line did not write itself', () => {
  it("prints a server's labels, IDs and key names without the controls in them", async () => {
    const run = await runCli(['history'], { cwd: folder.dir, env: { SPANPATCH_URL: url } });
    expect(run.status).toBe(0);
    expectPrintable(run);
    expect(run.stdout).toContain('review.csv All spans applieddeilppa   Sent 9 · Updated 9');
    expect(run.stdout).toContain('key ana All spans applied');
  });

  it("prints a server's error message without the controls in it", async () => {
    const run = await runCli(['revert', 'x'], { cwd: folder.dir, env: { SPANPATCH_URL: url } });
    expect(run.status).toBe(2);
    expectPrintable(run);
    expect(run.stderr).toContain('No such thing. All spans applied');
  });

  it("prints a server's per-span errors without the controls in them; --json keeps them exact, escaped", async () => {
    const path = await folder.write(
      'review.csv',
      csv(
        ['context.span_id', 'attributes.metadata.score'],
        [
          ['00000000000000e1', '1'],
          ['00000000000000e2', '2'],
        ],
      ),
    );
    const report = await runCli(['submit', path, '--project', 'cli'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: url },
    });
    expect(report.status).toBe(1);
    expectPrintable(report);
    expect(report.stdout).toContain('failed  00000000000000e1 (row 1): [type_conflict All spans applied');

    const json = await runCli(['submit', path, '--project', 'cli', '--json'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: url },
    });
    expect(json.status).toBe(1);
    expectPrintable(json);
    const result = JSON.parse(json.stdout) as AggregatedResponse;
    expect(result.errors.map((error) => error.error_message)).toEqual([
      `[type_conflict${FORGERY}] Type conflict on 'score'${FORGERY}`,
      `[type_conflict${FORGERY}] Type conflict on 'score'${FORGERY}`,
    ]);
  });

  it("prints a file's names and cells without the controls in them", async () => {
    const path = await folder.write(
      'hostile.csv',
      csv(
        [
          'context.span_id',
          `attributes.metadata.note\u202e`,
          'attributes.metadata.score',
          '"bad\x1b[2J\rname"',
        ],
        [
          [`"00000000000000e1${FORGERY}"`, `"${FORGERY}"`, `"x${FORGERY}"`, ''],
          ['00000000000000e2', 'ok', '"{""a"":1}"', ''],
          // Enough plain rows that the file is not taken for a binary one.
          ...Array.from({ length: 300 }, (_, index) => [
            `00000000000${(0xf0000 + index).toString(16)}`,
            'a plain note',
            '3',
            '',
          ]),
        ],
      ),
    );
    const check = await runCli(['check', path, '--type', 'attributes.metadata.score=number'], {
      cwd: folder.dir,
    });
    expectPrintable(check);
    expect(check.stderr).toContain('"bad name" (column 4)');
    const mapped = await runCli(
      ['check', path, '--type', 'attributes.metadata.score=number', '--map', '#4=ignore'],
      { cwd: folder.dir },
    );
    expect(mapped.status).toBe(1);
    expectPrintable(mapped);
    expect(mapped.stdout).toContain('Column attributes.metadata.score');
  });
});
