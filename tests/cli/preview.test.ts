import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSpans, postJson, startTestServer, type TestServer } from '../server/test-server';
import { csv, runCli, tempFolder } from './cli-process';

let server: TestServer;
let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  server = await startTestServer();
  folder = await tempFolder();
  await ingestSpans(server, 'cli', [
    { spanId: '00000000000000a1', metadata: { score: 5 } },
    { spanId: '00000000000000a2', metadata: {} },
    { spanId: '00000000000000a3', metadata: { reviewed: 'true' } },
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

describe('spanpatch preview', () => {
  it('adds the server comparison: a predicted conflict, a span not found, a span already up to date', async () => {
    const path = await folder.write(
      'review.csv',
      csv(
        ['context.span_id', 'attributes.metadata.reviewed', 'patch_document'],
        [
          ['00000000000000a1', 'true', '"{""score"": ""high""}"'],
          ['00000000000000a2', 'true', ''],
          ['00000000000000a3', 'true', ''],
          ['00000000000000a9', 'true', ''],
        ],
      ),
    );
    const run = await runCli(['preview', path, '--project', 'cli'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: server.url },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('4 rows, 4 spans');
    expect(run.stdout).toContain(
      `Compared with project cli at ${server.url}: 4 spans that can be sent, 3 found on the server`,
    );
    expect(run.stdout).toMatch(
      /Predicted to fail: 2 \((type_conflict 1, segment_not_found 1|segment_not_found 1, type_conflict 1)\)/,
    );
    expect(run.stdout).toMatch(/predicted 00000000000000a1 \(row 1\): \[type_conflict\] .*score/);
    expect(run.stdout).toContain('predicted 00000000000000a9 (row 4): [segment_not_found]');
    expect(run.stdout).toContain('Already up to date (left out of a submit): 1');
    expect(run.stdout).toContain('To send: 3 spans');
    // A preview writes nothing.
    expect(await metadataOf('00000000000000a1')).toEqual({ score: 5 });
  });

  it('exits 0 when nothing is blocked or predicted to fail', async () => {
    const path = await folder.write(
      'fine.csv',
      csv(['context.span_id', 'attributes.metadata.note'], [['00000000000000a2', 'fine']]),
    );
    const run = await runCli(['preview', path, '--project', 'cli', '--server', server.url], {
      cwd: folder.dir,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Predicted to fail: 0');
  });

  it('says plainly when the project or the server cannot be used (exit 2)', async () => {
    const path = await folder.write(
      'fine.csv',
      csv(['context.span_id', 'attributes.metadata.note'], [['00000000000000a2', 'fine']]),
    );
    const project = await runCli(['preview', path, '--project', 'nope'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: server.url },
    });
    expect(project.status).toBe(2);
    expect(project.stderr).toContain('Comparing with project nope failed');
    expect(project.stderr).toContain('404');
    const down = await runCli(['preview', path, '--project', 'cli', '--server', 'http://127.0.0.1:9'], {
      cwd: folder.dir,
    });
    expect(down.status).toBe(2);
    expect(down.stderr).toContain('Is the Spanpatch server running at http://127.0.0.1:9?');
  });
});

describe('spanpatch preview: objects and lists in patch_document (issue 25)', () => {
  it('says each key once before the comparison, not a warning per span', async () => {
    const document = (tags: string[]) => `"${JSON.stringify({ tags }).replaceAll('"', '""')}"`;
    const path = await folder.write(
      'tags.csv',
      csv(
        ['context.span_id', 'patch_document'],
        [
          ['00000000000000a1', document(['a'])],
          ['00000000000000a2', document(['b', 'c'])],
          ['00000000000000a3', document([])],
        ],
      ),
    );
    const run = await runCli(['preview', path, '--project', 'cli', '--server', server.url], {
      cwd: folder.dir,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('0 errors, 0 warnings; 1 column conversion (json_to_string "tags")');
    expect(run.stdout.split('\n').filter((line) => line.includes('under "tags"'))).toEqual([
      '  convert Column patch_document: 3 objects or lists under "tags" are stored as JSON text. ' +
        'Row 1: ["a"] is stored as "[\\"a\\"]". In rows 1, 2 and 3. (json_to_string)',
    ]);
    expect(run.stdout).toContain('To send: 3 spans');
  });
});
