import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregatedResponse } from '@/core/api';
import {
  ingestSpans,
  postJson,
  startTestServer,
  submissionRecord,
  type TestServer,
} from '../server/test-server';
import { readWorkbook } from '../support/workbook';
import { csv, runCli, tempFolder } from './cli-process';

let server: TestServer;
let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  server = await startTestServer();
  folder = await tempFolder();
  await ingestSpans(
    server,
    'cli',
    ['00000000000000b1', '00000000000000b2', '00000000000000b4', '00000000000000b5'].map((spanId) => ({
      spanId,
      metadata: { score: 1 },
    })),
  );
});

afterAll(async () => {
  await server.stop();
  await folder.remove();
});

async function metadataOf(spanId: string): Promise<unknown> {
  const answer = await postJson(`${server.url}/api/v1/projects/cli/spans/lookup`, { span_ids: [spanId] });
  return (answer.body as { spans: { metadata: unknown }[] }).spans[0]?.metadata;
}

const HEADER = ['context.span_id', 'attributes.metadata.score', 'attributes.metadata.note', 'patch_document'];

describe('spanpatch submit', () => {
  it('submits one submission, exits 1 when spans fail or are blocked, and writes them with --failed-out', async () => {
    const path = await folder.write(
      'review.csv',
      csv(HEADER, [
        ['00000000000000b1', '2', 'ok', ''],
        ['00000000000000b2', '', '=HYPERLINK("x")', '"{""score"": ""high""}"'],
        ['00000000000000b9', '3', '', ''],
        ['00000000000000b4', '4', '@note', '{bad'],
        ['00000000000000b5', '5', 'fine', ''],
      ]),
    );
    const run = await runCli(['submit', path, '--project', 'cli', '--json', '--failed-out', 'failed.csv'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: server.url },
    });
    expect(run.status).toBe(1);

    // --json: standard output is the aggregated response alone; the report goes to standard error.
    const result = JSON.parse(run.stdout) as AggregatedResponse;
    expect(result).toMatchObject({
      spans_processed: 4,
      spans_updated: 2,
      spans_unchanged: 0,
      spans_failed: 2,
      spans_skipped_unchanged: 0,
    });
    const errorTypes = Object.fromEntries(
      result.errors.map((error) => [error.span_id, /^\[(\w+)\]/.exec(error.error_message)?.[1]]),
    );
    expect(errorTypes).toEqual({
      '00000000000000b2': 'type_conflict',
      '00000000000000b9': 'segment_not_found',
    });
    expect(run.stderr).toContain('Results of review.csv in project cli');
    expect(run.stderr).toContain(
      'Sent 4 · Updated 2, of which 0 already up to date · Failed 2, of which 0 never delivered · Blocked in the sheet 1 · Not sent 0',
    );
    expect(run.stderr).toMatch(
      /blocked 00000000000000b4 \(row 4\): \[parse_failure\] Blocked before sending/,
    );

    // The same figures and errors as History keeps for the one submission, labelled with the file name.
    const record = await submissionRecord(server, result.submission_id);
    expect(record).toMatchObject({
      label: 'review.csv',
      kind: 'patch',
      spans_processed: result.spans_processed,
      spans_updated: result.spans_updated,
      spans_unchanged: result.spans_unchanged,
      spans_failed: result.spans_failed,
    });
    const byId = (a: { span_id: string }, b: { span_id: string }) => a.span_id.localeCompare(b.span_id);
    expect([...record.errors].sort(byId)).toEqual([...result.errors].sort(byId));
    expect(await metadataOf('00000000000000b1')).toEqual({ score: 2, note: 'ok' });
    expect(await metadataOf('00000000000000b2')).toEqual({ score: 1 });

    // The failed and blocked rows, in the file's own columns and order, formula-safe.
    const written = Papa.parse<string[]>(await readFile(join(folder.dir, 'failed.csv'), 'utf8'), {
      skipEmptyLines: true,
    });
    expect(written.data).toEqual([
      HEADER,
      ['00000000000000b2', '', `'=HYPERLINK("x")`, '{"score": "high"}'],
      ['00000000000000b9', '3', '', ''],
      ['00000000000000b4', '4', "'@note", '{bad'],
    ]);
  });

  it('exits 0 when everything is applied, and leaves out what is already up to date on a second run', async () => {
    const path = await folder.write(
      'good.csv',
      csv(
        ['context.span_id', 'attributes.metadata.reviewer'],
        [
          ['00000000000000b4', 'ana'],
          ['00000000000000b5', 'bo'],
        ],
      ),
    );
    const options = { cwd: folder.dir, env: { SPANPATCH_URL: server.url } };
    const first = await runCli(['submit', path, '--project', 'cli', '--label', 'nightly review'], options);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Results of nightly review in project cli');
    expect(first.stdout).toContain('Sent 2 · Updated 2');
    const again = await runCli(['submit', path, '--project', 'cli', '--json'], options);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ spans_processed: 0, spans_failed: 0, errors: [] });
    // The spans left out as already up to date are counted beside the fields of SPEC §6.
    expect(JSON.parse(again.stdout)).toMatchObject({ spans_skipped_unchanged: 2 });
    expect(again.stderr).toContain('2 spans already up to date on the server were not sent.');
  });
});

describe('spanpatch submit --failed-out FILE.xlsx (issue 25)', () => {
  it('writes the rows not applied as a workbook: the file’s columns, the error, the cells to blame marked', async () => {
    await ingestSpans(
      server,
      'xlsx',
      ['00000000000000c1', '00000000000000c2', '00000000000000c4'].map((spanId) => ({
        spanId,
        metadata: { score: 1 },
      })),
    );
    const path = await folder.write(
      'review-x.csv',
      csv(HEADER, [
        ['00000000000000c1', '2', 'ok', ''],
        ['00000000000000c2', '', '=HYPERLINK("x")', '"{""score"": ""high""}"'],
        ['00000000000000c9', '3', '', ''],
        ['00000000000000c4', '4', '@note', '{bad'],
        ['', '7', 'no span', ''],
      ]),
    );
    const run = await runCli(['submit', path, '--project', 'xlsx', '--failed-out', 'failed.xlsx'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: server.url },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Wrote 4 rows not applied');
    expect(run.stdout).toContain(
      "to failed.xlsx, in the file's columns with the error, the cells to blame marked.",
    );

    // Read back by openpyxl, a real spreadsheet reader.
    const [sheet, ...others] = readWorkbook(join(folder.dir, 'failed.xlsx'));
    expect(others).toEqual([]);
    expect(sheet?.name).toBe('Failed rows');
    const cell = (ref: string) => sheet?.cells.find((candidate) => candidate.ref === ref);
    const values = (row: number) =>
      ['A', 'B', 'C', 'D', 'E'].map((column) => cell(`${column}${row}`)?.value ?? null);
    expect(values(1)).toEqual([...HEADER, 'Error']);
    expect(values(2)).toEqual([
      '00000000000000c2',
      null,
      `'=HYPERLINK("x")`,
      '{"score": "high"}',
      expect.stringMatching(/score/),
    ]);
    expect(values(3)).toEqual(['00000000000000c9', '3', null, null, expect.stringMatching(/c9|not found/i)]);
    expect(values(4)).toEqual(['00000000000000c4', '4', "'@note", '{bad', expect.stringMatching(/JSON/)]);
    expect(values(5)).toEqual(['', '7', 'no span', null, expect.stringMatching(/Span ID is blank/)]);
    expect(cell('A6')).toBeUndefined();
    // The cells that caused each failure: filled, with the message as a comment; the others plain.
    const marked = sheet?.cells
      .filter((candidate) => candidate.fill !== null)
      .map((candidate) => candidate.ref);
    // The text for 'score' came from patch_document (its own cell is blank): that cell is to blame.
    expect(marked).toEqual(['D2', 'A3', 'D4', 'A5']);
    expect(cell('D2')?.fill).toBe('FFC7CE');
    expect(cell('D2')?.comment).toMatch(/score/);
    expect(cell('A3')?.comment).toMatch(/c9|not found/i);
    expect(cell('D4')?.comment).toMatch(/JSON/);
    expect(cell('A5')?.comment).toMatch(/Span ID is blank/);
    expect(cell('C2')?.comment ?? null).toBeNull();
  });

  it('writes CSV for any other name, as before', async () => {
    const path = await folder.write('again.csv', csv(HEADER, [['00000000000000c8', '3', '', '']]));
    const run = await runCli(['submit', path, '--project', 'xlsx', '--failed-out', 'failed-again.txt'], {
      cwd: folder.dir,
      env: { SPANPATCH_URL: server.url },
    });
    expect(run.status).toBe(1);
    expect(await readFile(join(folder.dir, 'failed-again.txt'), 'utf8')).toBe(
      `${HEADER.join(',')}\r\n00000000000000c8,3,,`,
    );
  });
});
