import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregatedResponse } from '@/core/api';
import { getJson, ingestSpans, postJson, startTestServer, type TestServer } from '../server/test-server';
import { csv, runCli, tempFolder } from './cli-process';

let server: TestServer;
let folder: Awaited<ReturnType<typeof tempFolder>>;
let options: { cwd: string; env: Record<string, string> };

beforeAll(async () => {
  server = await startTestServer();
  folder = await tempFolder();
  options = { cwd: folder.dir, env: { SPANPATCH_URL: server.url } };
  await ingestSpans(server, 'cli', [
    { spanId: '00000000000000c1', metadata: { quality: 1 } },
    { spanId: '00000000000000c2', metadata: { quality: 1 } },
  ]);
});

afterAll(async () => {
  await server.stop();
  await folder.remove();
});

async function metadataOf(spanId: string): Promise<unknown> {
  const answer = await postJson(`${server.url}/api/v1/projects/cli/spans/lookup`, { span_ids: [spanId] });
  return (answer.body as { spans: { metadata: unknown }[] }).spans[0]?.metadata;
}

/** Submits quality and reviewer for both spans through the command line; returns the submission's ID. */
async function submitReview(quality: number): Promise<string> {
  const path = await folder.write(
    `review-${quality}.csv`,
    csv(
      ['context.span_id', 'attributes.metadata.quality', 'attributes.metadata.reviewer'],
      [
        ['00000000000000c1', String(quality), 'ana'],
        ['00000000000000c2', String(quality), 'ana'],
      ],
    ),
  );
  const run = await runCli(['submit', path, '--project', 'cli', '--json'], options);
  expect(run.status).toBe(0);
  return (JSON.parse(run.stdout) as AggregatedResponse).submission_id;
}

describe('spanpatch revert', () => {
  it('shows what goes back with --dry-run and writes nothing; then reverts', async () => {
    const id = await submitReview(2);
    const dryRun = await runCli(['revert', id, '--dry-run'], options);
    expect(dryRun.stderr).toBe('');
    expect(dryRun.status).toBe(0);
    expect(dryRun.stdout).toContain(id);
    expect(dryRun.stdout).toContain('Reverting it puts back 4 changed values (now → back to):');
    expect(dryRun.stdout).toContain('00000000000000c1  quality: 2 → 1');
    expect(dryRun.stdout).toContain('00000000000000c1  reviewer: "ana" → removed (it did not exist before)');
    expect(dryRun.stdout).toContain('Dry run: 2 spans would go back. Nothing was written.');
    expect(await metadataOf('00000000000000c1')).toEqual({ quality: 2, reviewer: 'ana' });

    const revert = await runCli(['revert', id], options);
    expect(revert.status).toBe(0);
    const revertId = /the revert is submission ([\w-]+)\./.exec(revert.stdout)?.[1];
    expect(revertId).toMatch(/^[\w-]+$/);
    expect(revertId).not.toBe(id);
    expect(await metadataOf('00000000000000c1')).toEqual({ quality: 1 });
    expect(await metadataOf('00000000000000c2')).toEqual({ quality: 1 });
    const record = await getJson(`${server.url}/api/v1/submissions/${id}`);
    expect(record.body).toMatchObject({ reverted_by: revertId });

    const history = await runCli(['history', '--project', 'cli', '--limit', '1'], options);
    expect(history.status).toBe(0);
    expect(history.stdout).toContain(`${revertId}  revert`);
    expect(history.stdout).toContain(`reverts ${id}`);
    expect(history.stdout).toMatch(/More: spanpatch history --project cli --limit 1 --cursor \S+/);

    const twice = await runCli(['revert', id], options);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain(`was reverted already, by ${revertId}`);
  });

  it('exits 1 when a span changed since and is left as it is', async () => {
    const id = await submitReview(3);
    const later = await postJson(`${server.url}/api/v1/projects/cli/spans/metadata`, {
      spans: [{ span_id: '00000000000000c2', patch_document: { quality: 4 } }],
    });
    expect(later.status).toBe(200);
    const dryRun = await runCli(['revert', id, '--dry-run', '--json'], options);
    expect(dryRun.status).toBe(1);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ spans_updated: 1, spans_failed: 1 });
    expect(dryRun.stderr).toContain(
      "would fail 00000000000000c2: [revert_conflict] 'quality' changed after this submission (now 4)",
    );
    const revert = await runCli(['revert', id, '--yes'], options);
    expect(revert.status).toBe(1);
    expect(revert.stdout).toContain('Reverted: 1 span went back, 1 was left as it is');
    expect(await metadataOf('00000000000000c1')).toEqual({ quality: 1 });
    expect(await metadataOf('00000000000000c2')).toEqual({ quality: 4, reviewer: 'ana' });
  });
});

describe('spanpatch revert and submit with a read-only key', () => {
  let keyed: TestServer;
  const writerEnv = () => ({ SPANPATCH_URL: keyed.url, SPANPATCH_KEY: 'sk-cli-writer' });
  const readerEnv = () => ({ SPANPATCH_URL: keyed.url, SPANPATCH_KEY: 'sk-cli-reader' });
  let submissionId: string;

  beforeAll(async () => {
    keyed = await startTestServer({
      apiKeys: [
        { name: 'writer', key: 'sk-cli-writer' },
        { name: 'ci', key: 'sk-cli-reader', access: 'read' },
      ],
    });
    await ingestSpans(keyed, 'ro', [{ spanId: '00000000000000d1', metadata: { quality: 1 } }], {
      Authorization: 'Bearer sk-cli-writer',
    });
    const path = await folder.write(
      'ro-review.csv',
      csv(['context.span_id', 'attributes.metadata.quality'], [['00000000000000d1', '5']]),
    );
    const run = await runCli(['submit', path, '--project', 'ro', '--json'], {
      cwd: folder.dir,
      env: writerEnv(),
    });
    expect(run.status).toBe(0);
    submissionId = (JSON.parse(run.stdout) as AggregatedResponse).submission_id;
  });

  afterAll(async () => {
    await keyed.stop();
  });

  const qualityNow = async () => {
    const answer = await postJson(
      `${keyed.url}/api/v1/projects/ro/spans/lookup`,
      { span_ids: ['00000000000000d1'] },
      { Authorization: 'Bearer sk-cli-writer' },
    );
    return (answer.body as { spans: { metadata: { quality?: unknown } }[] }).spans[0]?.metadata.quality;
  };

  it('shows what a revert would do with --dry-run, and writes nothing', async () => {
    const dryRun = await runCli(['revert', submissionId, '--dry-run'], { cwd: folder.dir, env: readerEnv() });
    expect(dryRun.stderr).toBe('');
    expect(dryRun.status).toBe(0);
    expect(dryRun.stdout).toContain('00000000000000d1  quality: 5 → 1');
    expect(dryRun.stdout).toContain('Dry run: 1 span would go back. Nothing was written.');
    expect(await qualityNow()).toBe(5);
  });

  it('refuses the revert itself, saying the key is read-only and what it can do (exit 2)', async () => {
    const revert = await runCli(['revert', submissionId, '--yes'], { cwd: folder.dir, env: readerEnv() });
    expect(revert.status).toBe(2);
    expect(revert.stdout).toContain('Dry run: 1 span would go back. Nothing was written.');
    expect(revert.stderr).toContain(
      `Reverting ${submissionId} failed: the API key in SPANPATCH_KEY is read-only`,
    );
    expect(revert.stderr).toContain('revert --dry-run');
    expect(await qualityNow()).toBe(5);
  });

  it('reports a submit as refused for the key with the server message, not as never delivered', async () => {
    const path = await folder.write(
      'ro-again.csv',
      csv(['context.span_id', 'attributes.metadata.quality'], [['00000000000000d1', '7']]),
    );
    const run = await runCli(['submit', path, '--project', 'ro'], { cwd: folder.dir, env: readerEnv() });
    expect(run.status).toBe(1);
    const report = `${run.stdout}${run.stderr}`;
    expect(report).toContain('Failed 1, of which 0 never delivered, 1 refused (API key refused)');
    expect(report).toContain("[key_refused] The API key 'ci' is read-only");
    expect(report).not.toContain('connection_failure');
    expect(await qualityNow()).toBe(5);
  });
});
