import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, runCli, tempFolder } from './cli-process';

let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  folder = await tempFolder();
});

afterAll(async () => {
  await folder.remove();
});

const HEADER = ['context.span_id', 'attributes.metadata.reviewed', 'attributes.metadata.quality'];

describe('spanpatch check', () => {
  it('passes a valid file: its summary, no issue, exit 0', async () => {
    const path = await folder.write(
      'valid.csv',
      csv(HEADER, [
        ['00000000000000a1', 'yes', '3'],
        ['00000000000000a2', 'no', '4'],
      ]),
    );
    const run = await runCli(['check', path], { cwd: folder.dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('valid.csv: CSV');
    expect(run.stdout).toContain('2 rows, 2 spans');
    expect(run.stdout).toContain('Spans: 2 ready, 0 with warnings, 0 blocked');
    expect(run.stdout).toContain('0 errors, 0 warnings');
    expect(run.stdout).not.toMatch(/^Column /m);
  });

  it('lists each warning with its row and column, grouped by column, and exits 0 when only warnings', async () => {
    await folder.write(
      'warnings.csv',
      csv(HEADER, [
        ['00000000000000a1', 'true', '3'],
        [' 00000000000000A2', 'false', '007'],
        ['00000000000000a1', 'true', '5'],
      ]),
    );
    const run = await runCli(['check', 'warnings.csv'], { cwd: folder.dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('0 errors, 4 warnings');
    const lines = run.stdout.split('\n');
    const spanColumn = lines.indexOf('Column context.span_id: 4 warnings');
    const reviewedColumn = lines.findIndex((line) => line.startsWith('Column attributes.metadata.reviewed:'));
    const qualityColumn = lines.findIndex((line) => line.startsWith('Column attributes.metadata.quality:'));
    expect(spanColumn).toBeGreaterThan(-1);
    expect(reviewedColumn).toBeGreaterThan(spanColumn);
    expect(qualityColumn).toBeGreaterThan(reviewedColumn);
    // Each issue under its column, with the row and column as the app says them.
    const spanLines = lines.slice(spanColumn + 1, reviewedColumn).join('\n');
    expect(spanLines).toContain(
      'warning Row 1, column context.span_id: Span "00000000000000a1" also appears in row 3',
    );
    expect(spanLines).toContain(
      'warning Row 3, column context.span_id: Span "00000000000000a1" also appears in row 1',
    );
    expect(spanLines).toContain(
      'warning Row 2, column context.span_id: Span ID " 00000000000000A2" had spaces around it',
    );
    expect(spanLines).toContain('(span_id_lowercased)');
    // A conversion of a whole column is said once, in its column, as the sheet says it.
    expect(lines.slice(reviewedColumn + 1, qualityColumn).join('\n')).toMatch(
      /Column attributes\.metadata\.reviewed: .*\(bool_to_string\)/,
    );
    expect(lines.slice(qualityColumn + 1).join('\n')).toMatch(
      /Column attributes\.metadata\.quality: .*007.*\(looks_numeric_kept_text\)/,
    );
  });

  it('lists errors with their row and column and exits 1 when spans are blocked', async () => {
    const path = await folder.write(
      'broken.csv',
      csv(
        [...HEADER, 'patch_document'],
        [
          ['00000000000000a1', 'true', '3', ''],
          ['00000000000000a2', 'true', '4', '{not json'],
          ['', 'true', '5', ''],
        ],
      ),
    );
    const run = await runCli(['check', path, '--type', 'attributes.metadata.quality=boolean'], {
      cwd: folder.dir,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('2 blocked');
    expect(run.stdout).toContain('error   Row 2, column patch_document: patch_document is not valid JSON');
    expect(run.stdout).toContain(
      'error   Row 1, column attributes.metadata.quality: "3" is not true or false, and this column\'s type is boolean. (not_a_boolean)',
    );
    expect(run.stdout).toContain('error   Row 3, column context.span_id: Span ID is blank');
  });

  it('limits the listing per column with --max-issues, and says how many more there are', async () => {
    const rows = Array.from({ length: 30 }, (_, index) => [`span-${index + 1}`, 'true', '1']);
    const path = await folder.write('many.csv', csv(HEADER, rows));
    const run = await runCli(['check', path, '--max-issues', '5'], { cwd: folder.dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Column context.span_id: 30 warnings');
    const listed = run.stdout.match(
      /warning Row \d+, column context\.span_id: Span ID "span-\d+" is not 16 hex/g,
    );
    expect(listed).toHaveLength(5);
    expect(run.stdout).toContain('Row 5, column context.span_id: Span ID "span-5"');
    expect(run.stdout).toContain('… and 25 more in this column');
  });

  it('reads TSV, JSON Lines and JSON with the same rules', async () => {
    const tsv = await folder.write(
      'sheet.tsv',
      'context.span_id\tattributes.metadata.n\n00000000000000a1\t7\n',
    );
    const jsonl = await folder.write(
      'sheet.jsonl',
      '{"context.span_id":"00000000000000a1","attributes.metadata.n":7}\n{"context.span_id":"00000000000000a2","attributes.metadata.n":true}\n',
    );
    const json = await folder.write(
      'sheet.json',
      '[{"span_id":"00000000000000a1","patch_document":{"a":1}}]',
    );
    const [tsvRun, jsonlRun, jsonRun] = await Promise.all(
      [tsv, jsonl, json].map((path) => runCli(['check', path], { cwd: folder.dir })),
    );
    expect(tsvRun?.stdout).toContain('sheet.tsv: TSV');
    expect(tsvRun?.status).toBe(0);
    expect(jsonlRun?.stdout).toContain('sheet.jsonl: JSON Lines');
    expect(jsonlRun?.stdout).toContain(
      'Row 2, column attributes.metadata.n: true is stored as the text "true"',
    );
    expect(jsonRun?.stdout).toContain('sheet.json: JSON');
    expect(jsonRun?.status).toBe(0);
  });
});

it('reads a Parquet file written by pandas, its values typed', async () => {
  const run = await runCli(
    ['check', fileURLToPath(new URL('../fixtures/import/pandas-like.parquet', import.meta.url))],
    {
      cwd: folder.dir,
    },
  );
  expect(run.stdout).toContain('pandas-like.parquet: Parquet');
  expect(run.stdout).toContain('3 rows, 3 spans');
  expect(run.stdout).toContain(
    'error   Row 3, column attributes.metadata.turn: "9007199254740993" is too large',
  );
  expect(run.status).toBe(1);
});

describe('a file the command line cannot use', () => {
  it('names a missing file', async () => {
    const run = await runCli(['check', 'nowhere.csv'], { cwd: folder.dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('There is no file nowhere.csv');
  });

  it('says a binary file is not a sheet, and what to do', async () => {
    const path = await folder.write('book.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 0, 0, 0]));
    const run = await runCli(['check', path], { cwd: folder.dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('book.csv');
    expect(run.stderr).toContain(
      'This looks like a binary file (a ZIP archive, such as an Excel .xlsx workbook)',
    );
  });

  it('refuses a header of 1,000,000 columns at once, saying how many it reads', async () => {
    const names = [
      'context.span_id',
      ...Array.from({ length: 999_999 }, (_, i) => `attributes.metadata.k${i}`),
    ];
    const row = names.map((_, i) => (i === 0 ? '00000000000000a1' : '1'));
    const path = await folder.write('million-columns.csv', `${names.join(',')}\n${row.join(',')}\n`);
    const run = await runCli(['check', path], { cwd: folder.dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('million-columns.csv');
    expect(run.stderr).toContain('The file has 1,000,000 columns; Spanpatch reads at most 1,000.');
  });

  it('names the line of a ragged CSV', async () => {
    const path = await folder.write(
      'ragged.csv',
      'context.span_id,attributes.metadata.a\n00000000000000a1,1\n00000000000000a2,1,2\n',
    );
    const run = await runCli(['check', path], { cwd: folder.dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Line 3 has 3 fields, but the header row (line 1) has 2 columns');
  });

  it('stops at a column the app would ask to map, naming it and how to map it; --map maps it', async () => {
    const path = await folder.write(
      'unmapped.csv',
      csv(['context.span_id', 'Quality', 'notes'], [['00000000000000a1', '3', 'fine']]),
    );
    const run = await runCli(['check', path], { cwd: folder.dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('2 columns are not recognised');
    expect(run.stderr).toContain(
      `"Quality" (column 2): rename it in the file to attributes.metadata.quality`,
    );
    expect(run.stderr).toContain(`--map 'Quality=attributes.metadata.quality'`);
    expect(run.stderr).toContain(`--map 'notes=ignore'`);

    const mapped = await runCli(
      ['check', path, '--map', 'Quality=attributes.metadata.quality', '--map', 'notes=ignore'],
      { cwd: folder.dir },
    );
    expect(mapped.stderr).toBe('');
    expect(mapped.status).toBe(0);
    expect(mapped.stdout).toContain('1 ready');
  });

  it('refuses an option it cannot use with exit 2', async () => {
    const path = await folder.write('ok.csv', csv(HEADER, [['00000000000000a1', 'yes', '3']]));
    const badMap = await runCli(['check', path, '--map', 'Quality=somewhere'], { cwd: folder.dir });
    expect(badMap.status).toBe(2);
    expect(badMap.stderr).toContain('"somewhere" is not a target');
    const unknown = await runCli(['check', path, '--frobnicate'], { cwd: folder.dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
  });
});

describe('spanpatch check: objects and lists in patch_document (issue 25)', () => {
  it('says each key of patch_document once, with an example and its rows, not a warning per cell', async () => {
    const rows = Array.from({ length: 300 }, (_, row) => [
      row.toString(16).padStart(16, '0'),
      `"${JSON.stringify({ tags: ['a', `t${row}`], ctx: { turn: row }, note: 'ok' }).replaceAll('"', '""')}"`,
    ]);
    await folder.write('documents.csv', csv(['context.span_id', 'patch_document'], rows));
    const run = await runCli(['check', 'documents.csv'], { cwd: folder.dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      '0 errors, 0 warnings; 2 column conversions (json_to_string "ctx", json_to_string "tags")',
    );
    expect(run.stdout).not.toMatch(/^\s*warning/m);
    const lines = run.stdout.split('\n');
    expect(lines.filter((line) => line.includes('json_to_string'))).toEqual([
      expect.stringContaining('0 errors, 0 warnings'),
      expect.stringMatching(
        /^ {2}convert Column patch_document: 300 objects or lists under "ctx" are stored as JSON text\. Row 1: \{"turn":0\} is stored as .*\. In rows 1, 2, 3, 4, 5 and 295 more\. \(json_to_string\)$/,
      ),
      expect.stringMatching(
        /^ {2}convert Column patch_document: 300 objects or lists under "tags" .*\(json_to_string\)$/,
      ),
    ]);
    expect(lines).toContain('Column patch_document: 2 conversions');
  });
});
