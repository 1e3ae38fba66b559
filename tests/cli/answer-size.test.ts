import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AggregatedResponse, MAX_ANSWER_BYTES } from '@/core/api';
import { csv, runCli, tempFolder } from './cli-process';

/**
 * A server that knows the project's fields (none), and answers a metadata patch with a body that never ends, as
 * fast as the client reads it.
 */
function endlessServer(): Server {
  return createServer((request, response) => {
    request.resume();
    if (request.url?.endsWith('/metadata/fields')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ fields: [] }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    const spaces = Buffer.alloc(1024 * 1024, ' ');
    let stopped = false;
    response.once('close', () => (stopped = true));
    const pump = () => {
      while (!stopped) {
        if (!response.write(spaces)) {
          response.once('drain', pump);
          return;
        }
      }
    };
    response.write('{"spans_processed":');
    pump();
  });
}

let server: Server;
let url: string;
let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  folder = await tempFolder();
  server = endlessServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await folder.remove();
});

describe('a server whose answer never ends', () => {
  it('fails the batch as not delivered, saying the answer was too large, instead of reading it all', async () => {
    const path = await folder.write(
      'review.csv',
      csv(
        ['context.span_id', 'attributes.metadata.score'],
        [
          ['00000000000000f1', '1'],
          ['00000000000000f2', '2'],
        ],
      ),
    );
    const run = await runCli(['submit', path, '--project', 'cli', '--json', '--failed-out', 'failed.csv'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: url },
    });
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout) as AggregatedResponse;
    const mb = MAX_ANSWER_BYTES / 1024 / 1024;
    expect(result).toMatchObject({ spans_processed: 2, spans_updated: 0, spans_failed: 2 });
    for (const error of result.errors) {
      expect(error.error_message).toMatch(
        new RegExp(`^\\[connection_failure\\] The server's answer was over ${mb} MB`),
      );
    }
    expect(result.errors.map((error) => error.span_id).sort()).toEqual([
      '00000000000000f1',
      '00000000000000f2',
    ]);
    expect(run.stderr).toContain('Failed 2, of which 2 never delivered');
    expect(run.stderr).toContain('Wrote 2 rows');
  }, 120_000);

  it('stops a command that reads from the server, saying the answer was too large', async () => {
    const run = await runCli(['history'], { cwd: folder.dir, env: { SPANPATCH_URL: url } });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `spanpatch: Reading the history failed: the server at ${url} answered, but not as the API says: ` +
        `The server's answer was over ${MAX_ANSWER_BYTES / 1024 / 1024} MB`,
    );
  }, 120_000);
});
