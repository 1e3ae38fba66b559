import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSpans, spanId, startTestServer, type TestServer } from '../server/test-server';
import { csv, runCli, tempFolder } from './cli-process';

/** `check` and `preview` read a key the project already types as its type (SPEC §2), as the app does. */

let server: TestServer;
let folder: Awaited<ReturnType<typeof tempFolder>>;
let path: string;

beforeAll(async () => {
  server = await startTestServer();
  folder = await tempFolder();
  await ingestSpans(
    server,
    'nightly',
    Array.from({ length: 20 }, (_, index) => ({ spanId: spanId(index + 1), metadata: { score: 9 } })),
  );
  // Twenty scores, the eighth `N/A`: alone, it would turn the column into text and fail every span.
  path = await folder.write(
    'nightly.csv',
    csv(
      ['context.span_id', 'attributes.metadata.score'],
      Array.from({ length: 20 }, (_, index) => [spanId(index + 1), index === 7 ? 'N/A' : String(index % 5)]),
    ),
  );
});

afterAll(async () => {
  await server.stop();
  await folder.remove();
});

describe('a key the project already types, on the command line', () => {
  it('check --project reads the column as Int64: the one text cell blocks its span only', async () => {
    const run = await runCli(['check', path, '--project', 'nightly', '--server', server.url], {
      cwd: folder.dir,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('19 ready');
    expect(run.stdout).toContain('1 blocked');
    expect(run.stdout).toContain(
      'Read as project nightly types these keys: attributes.metadata.score as Int64',
    );
    expect(run.stdout).toMatch(/Row 8.*"N\/A" is not a whole number.*Int64/);
    expect(run.stdout).not.toContain('mixed_types_as_text');
  });

  it('check without a project keeps the offline rule: one text value makes the column text', async () => {
    const run = await runCli(['check', path], { cwd: folder.dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('20 ready');
    expect(run.stdout).not.toContain('Read as project');
  });

  it('preview predicts no type conflict: 19 spans to send, one blocked in the sheet', async () => {
    const run = await runCli(['preview', path, '--project', 'nightly'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: server.url },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('1 blocked');
    expect(run.stdout).not.toContain('type_conflict');
    expect(run.stdout).toContain('Predicted to fail: 0');
    expect(run.stdout).toContain('To send: 19 spans');
  });
});
