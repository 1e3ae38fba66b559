import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregatedResponse, Submission } from '@/core/api';
import { getJson, ingestSpans, postJson, startTestServer, type TestServer } from '../server/test-server';
import { csv, runCli, type SlowProxy, startCli, startSlowProxy, tempFolder } from './cli-process';

const SPANS = 2000;
const spanIdOf = (index: number) => `${(index + 1).toString(16).padStart(14, '0')}d0`;

let server: TestServer;
let proxy: SlowProxy;
let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  server = await startTestServer();
  folder = await tempFolder();
  for (const project of ['cli', 'term']) {
    await ingestSpans(
      server,
      project,
      Array.from({ length: SPANS }, (_, index) => ({ spanId: spanIdOf(index), metadata: {} })),
    );
  }
  // Every request waits 25 ms: 200 batches of 10 take seconds, so Ctrl+C lands mid-submit.
  proxy = await startSlowProxy(server.url, 25);
});

afterAll(async () => {
  await proxy.close();
  await server.stop();
  await folder.remove();
});

async function submissions(project = 'cli'): Promise<Submission[]> {
  const page = await getJson(`${server.url}/api/v1/submissions?project=${project}&limit=100`);
  return (page.body as { submissions: Submission[] }).submissions;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A figure of the results line: "Sent 1,234", "Not sent 766". */
function figure(text: string, name: string): number {
  const match = new RegExp(`${name} ([\\d,]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no "${name}" in:\n${text}`);
  return Number(match[1].replace(/,/g, ''));
}

describe('Ctrl+C during submit', () => {
  it('stops sending, says what was and was not sent; a second run sends the rest and skips what was applied', async () => {
    const path = await folder.write(
      'review.csv',
      csv(
        ['context.span_id', 'attributes.metadata.reviewed'],
        Array.from({ length: SPANS }, (_, index) => [spanIdOf(index), 'yes']),
      ),
    );
    const first = startCli(['submit', path, '--project', 'cli', '--batch-size', '10', '--concurrency', '1'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: proxy.url },
    });
    // Ctrl+C once the server has applied some batches of this submission.
    await waitFor(async () => (await submissions()).some((submission) => submission.spans_processed >= 30));
    first.child.kill('SIGINT');
    const stopped = await first.finished;
    expect(stopped.stderr).toContain('Stopping: no new batch starts');
    expect(stopped.status).toBe(1);
    expect(stopped.stdout).toMatch(/Cancelled with Ctrl\+C: [\d,]+ spans were sent and answered/);
    const sent = figure(stopped.stdout, 'Sent');
    const notSent = figure(stopped.stdout, 'Not sent');
    expect(notSent).toBeGreaterThan(0);
    expect(sent + notSent).toBe(SPANS);
    // A batch abandoned in flight is said to be unknown, not failed on the server.
    const unknown = /(\d+) spans? (?:was|were) in flight, so whether the server applied/.exec(stopped.stdout);
    expect(stopped.stdout).toMatch(
      /The server received [\d,]+ spans of this submission \([\d,]+ updated, 0 failed\)/,
    );
    if (unknown) expect(Number(unknown[1])).toBeLessThanOrEqual(10);

    // Once the proxy has passed on what it held, the server's record says what the first run applied.
    await proxy.idle();
    const [firstRecord] = await submissions();
    expect(firstRecord?.label).toBe('review.csv');
    const applied = firstRecord?.spans_updated ?? 0;
    expect(applied).toBeGreaterThanOrEqual(30);
    expect(applied).toBeLessThan(SPANS);

    const second = await runCli(['submit', path, '--project', 'cli'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: server.url },
    });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(
      `${applied.toLocaleString('en-US')} spans already up to date on the server were not sent.`,
    );
    expect(figure(second.stdout, 'Sent')).toBe(SPANS - applied);
    const lookup = await postJson(`${server.url}/api/v1/projects/cli/spans/lookup`, {
      span_ids: Array.from({ length: SPANS }, (_, index) => spanIdOf(index)),
    });
    const spans = (lookup.body as { spans: { metadata: Record<string, unknown> }[] }).spans;
    expect(spans).toHaveLength(SPANS);
    expect(spans.every((span) => span.metadata.reviewed === 'yes')).toBe(true);
  }, 90_000);

  it('stops on SIGTERM as on Ctrl+C: --json prints what is known, --failed-out holds every row not applied', async () => {
    const path = await folder.write(
      'term.csv',
      csv(
        ['context.span_id', 'attributes.metadata.reviewed'],
        Array.from({ length: SPANS }, (_, index) => [spanIdOf(index), 'yes']),
      ),
    );
    const args = ['submit', path, '--project', 'term', '--json', '--failed-out', 'not-applied.csv'];
    const first = startCli([...args, '--batch-size', '10', '--concurrency', '1'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: proxy.url },
    });
    await waitFor(async () =>
      (await submissions('term')).some((submission) => submission.spans_processed >= 30),
    );
    first.child.kill('SIGTERM');
    const stopped = await first.finished;
    expect(stopped.signal).toBeNull();
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toContain('Stopping: no new batch starts');
    expect(stopped.stderr).toMatch(/Stopped by SIGTERM: [\d,]+ spans were sent and answered/);

    // Standard output holds the aggregated response of what was done before the stop, and nothing else.
    const result = JSON.parse(stopped.stdout) as AggregatedResponse & { spans_skipped_unchanged: number };
    expect(result.spans_updated).toBeGreaterThanOrEqual(30);
    expect(result.not_sent.length).toBeGreaterThan(0);
    expect(result.spans_skipped_unchanged).toBe(0);
    const notApplied = new Set([...result.errors.map((error) => error.span_id), ...result.not_sent]);
    expect(result.spans_updated + notApplied.size).toBe(SPANS);

    // Every row not applied: in flight (unknown), never sent, failed.
    const written = Papa.parse<string[]>(await readFile(join(folder.dir, 'not-applied.csv'), 'utf8'), {
      skipEmptyLines: true,
    });
    const [header, ...rows] = written.data;
    expect(header).toEqual(['context.span_id', 'attributes.metadata.reviewed']);
    expect(rows.map((row) => row[0]).sort()).toEqual([...notApplied].sort());
    expect(stopped.stderr).toContain(`Wrote ${notApplied.size.toLocaleString('en-US')} rows not applied`);

    // A second run leaves out what the first one applied, and says how many in --json.
    await proxy.idle();
    const [record] = await submissions('term');
    const applied = record?.spans_updated ?? 0;
    const second = await runCli(args, { cwd: folder.dir, env: { SPANPATCH_URL: server.url } });
    expect(second.status).toBe(0);
    const again = JSON.parse(second.stdout) as AggregatedResponse & { spans_skipped_unchanged: number };
    expect(again).toMatchObject({
      spans_processed: SPANS - applied,
      spans_updated: SPANS - applied,
      spans_failed: 0,
      spans_skipped_unchanged: applied,
    });
    expect(second.stderr).toContain(
      `${applied.toLocaleString('en-US')} spans already up to date on the server were not sent.`,
    );
  }, 90_000);
});
