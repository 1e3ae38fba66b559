import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArizeEmulator, startArizeEmulator } from '../arize/arize-emulator';
import { getJson, ingestSpans, postJson, startTestServer, type TestServer } from '../server/test-server';
import { csv, runCli, tempFolder } from './cli-process';

// The command line as a real process, against a server whose project `support` is linked to the emulator of
// Arize AX's Flight endpoint (SPEC §14).

const SPACE = 'U3BhY2U6Q0xJ';
const KEY = 'ak-cli-0a1b2c3d4e5f-secret';
const IN_ARIZE = 'support-prod';

let emulator: ArizeEmulator;
let server: TestServer;
let folder: Awaited<ReturnType<typeof tempFolder>>;
let options: { cwd: string; env: Record<string, string> };
let hourAgoNs = 0;

beforeAll(async () => {
  emulator = await startArizeEmulator({ spaceId: SPACE, apiKey: KEY, projects: [IN_ARIZE] });
  server = await startTestServer({
    arize: {
      links: new Map([['support', IN_ARIZE]]),
      spaceId: SPACE,
      apiKey: KEY,
      flight: { host: '127.0.0.1', port: emulator.port, scheme: 'grpc' },
    },
    arizeTimeoutMs: 5_000,
  });
  folder = await tempFolder();
  options = { cwd: folder.dir, env: { SPANPATCH_URL: server.url } };
  hourAgoNs = (Date.now() - 3_600_000) * 1_000_000;
  await emulator.seed(IN_ARIZE, [
    { span_id: '00000000000000a1', name: 'retrieve', metadata: { quality: 1 }, start_ns: hourAgoNs },
    {
      span_id: '00000000000000a2',
      name: 'answer',
      metadata: { quality: 2 },
      start_ns: hourAgoNs + 1_000_000,
    },
    // Two days ago: outside `--since 24h`.
    { span_id: '00000000000000a3', name: 'old', start_ns: hourAgoNs - 47 * 3_600_000_000_000 },
  ]);
});

afterAll(async () => {
  await server?.stop();
  await emulator?.stop();
  await folder?.remove();
});

async function spansOf(project: string): Promise<number | undefined> {
  const answer = await getJson(`${server.url}/api/v1/projects`);
  return (answer.body as { projects: { name: string; spans: number }[] }).projects.find(
    (listed) => listed.name === project,
  )?.spans;
}

describe('spanpatch load', () => {
  it("loads the window's spans from Arize into Spanpatch's copy with progress, and a second run changes nothing", async () => {
    const first = await runCli(['load', '--project', 'support', '--since', '24h'], options);
    expect(first.stderr).toContain(`Writes to Arize AX · space ${SPACE} · project ${IN_ARIZE}`);
    expect(first.stderr).toMatch(/Loading support from Arize AX: 2[45] of 2[45] parts · 2 spans loaded/);
    expect(first.stdout).toMatch(/^Loaded 2 spans of support from Arize AX: 2 new, 0 updated, /);
    expect(first.status).toBe(0);
    const lookup = await postJson(`${server.url}/api/v1/projects/support/spans/lookup`, {
      span_ids: ['00000000000000a1', '00000000000000a2', '00000000000000a3'],
    });
    expect(lookup.body).toMatchObject({ missing: ['00000000000000a3'] });

    const second = await runCli(['load', '--project', 'support', '--since', '24h', '--json'], options);
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      spans_loaded: 2,
      spans_new: 0,
      spans_updated: 0,
      spans_unchanged: 2,
    });
    expect(await spansOf('support')).toBe(2);
  });

  it("upserts: a span whose metadata changed in Arize takes Arize's values in the copy, and the run says so", async () => {
    await emulator.seed(IN_ARIZE, [
      { span_id: '00000000000000a1', name: 'retrieve', metadata: { quality: 3 }, start_ns: hourAgoNs },
    ]);
    const run = await runCli(['load', '--project', 'support', '--since', '24h'], options);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Loaded 2 spans of support from Arize AX: 0 new, 1 updated, /);
    const lookup = await postJson(`${server.url}/api/v1/projects/support/spans/lookup`, {
      span_ids: ['00000000000000a1'],
    });
    expect(lookup.body).toMatchObject({ spans: [{ metadata: { quality: 3 } }] });
    expect(await spansOf('support')).toBe(2);
  });

  it('says plainly what is wrong: a project not linked, a window too long, a --since it cannot read', async () => {
    await ingestSpans(server, 'local-only', [{ spanId: '00000000000000b1' }]);
    const notLinked = await runCli(['load', '--project', 'local-only', '--since', '1h'], options);
    expect(notLinked.status).toBe(2);
    expect(notLinked.stderr).toContain("The project 'local-only' is not linked to Arize AX");
    const tooLong = await runCli(['load', '--project', 'support', '--since', '40d'], options);
    expect(tooLong.status).toBe(2);
    expect(tooLong.stderr).toContain('at most 31 days');
    const unreadable = await runCli(['load', '--project', 'support', '--since', 'yesterday'], options);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain('--since "yesterday" is neither a duration');
  });
});

describe('spanpatch preview of a linked project', () => {
  it("predicts from Spanpatch's copy and leaves a span it does not hold to Arize", async () => {
    const path = await folder.write(
      'preview.csv',
      csv(
        ['context.span_id', 'attributes.metadata.quality'],
        [
          ['00000000000000a2', '4'],
          ['00000000000000ff', '4'],
        ],
      ),
    );
    const run = await runCli(['preview', path, '--project', 'support'], options);
    expect(run.stdout).toContain(`Writes to Arize AX · space ${SPACE} · project ${IN_ARIZE}`);
    expect(run.stdout).toContain("Not in Spanpatch's copy: Arize will decide: 1 span");
    expect(run.stdout).toContain('Predicted to fail: 0');
    expect(run.status).toBe(0);
  });
});

describe('spanpatch submit to a linked project', () => {
  it('shows where it writes, and the patch lands in Arize', async () => {
    const path = await folder.write(
      'review.csv',
      csv(['context.span_id', 'attributes.metadata.quality'], [['00000000000000a1', '5']]),
    );
    const run = await runCli(['submit', path, '--project', 'support', '--yes'], options);
    expect(run.stdout).toContain(`Writes to Arize AX · space ${SPACE} · project ${IN_ARIZE}`);
    expect(run.status).toBe(0);
    const { spans } = await emulator.spans(IN_ARIZE);
    expect(spans.find((span) => span.span_id === '00000000000000a1')?.metadata).toEqual({ quality: 5 });
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  it('revert --dry-run names the keys that will become null in Arize, which cannot remove a key', async () => {
    const path = await folder.write(
      'reviewer.csv',
      csv(['context.span_id', 'attributes.metadata.reviewer'], [['00000000000000a2', 'ana']]),
    );
    const sent = await runCli(['submit', path, '--project', 'support', '--yes', '--json'], options);
    expect(sent.status).toBe(0);
    const submissionId = (JSON.parse(sent.stdout) as { submission_id: string }).submission_id;
    const dryRun = await runCli(['revert', submissionId, '--dry-run'], options);
    expect(dryRun.stdout).toContain('Arize AX cannot remove a key: 1 key will become null there:');
    expect(dryRun.stdout).toContain('00000000000000a2 reviewer');
    expect(dryRun.status).toBe(0);
    const reverted = await runCli(['revert', submissionId, '--yes'], options);
    expect(reverted.status).toBe(0);
    const { spans } = await emulator.spans(IN_ARIZE);
    expect(spans.find((span) => span.span_id === '00000000000000a2')?.metadata).toEqual({
      quality: 2,
      reviewer: null,
    });
  });
});
