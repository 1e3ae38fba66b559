import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorkbook } from '../support/workbook';
import { runCli, tempFolder } from './cli-process';

let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  folder = await tempFolder();
  // Written by openpyxl, a real spreadsheet writer: a sheet of notes first, the spans second.
  writeWorkbook(join(folder.dir, 'review.xlsx'), [
    { name: 'Notes', rows: [['about'], ['week 12']] },
    {
      name: 'Spans',
      rows: [
        ['context.span_id', 'attributes.metadata.score', 'attributes.metadata.reviewed'],
        ['00000000000000a1', 0.75, true],
        ['00000000000000a2', 0.5, false],
      ],
    },
  ]);
});

afterAll(async () => {
  await folder.remove();
});

describe('spanpatch check of an Excel workbook', () => {
  it('asks for --sheet when the workbook has several sheets with data, naming them', async () => {
    const run = await runCli(['check', 'review.xlsx'], { cwd: folder.dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('review.xlsx (');
    expect(run.stderr).toContain(
      'cannot be imported: The workbook has 2 sheets with data ("Notes", "Spans"): choose the one to import. ' +
        'Name it with --sheet, e.g. --sheet Notes.',
    );
  });

  it('checks the sheet named by --sheet, its cells typed as Excel holds them', async () => {
    const run = await runCli(['check', 'review.xlsx', '--sheet', 'Spans'], { cwd: folder.dir });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('review.xlsx: Excel, sheet "Spans"');
    expect(run.stdout).toContain('2 rows, 2 spans');
    // The booleans arrived as booleans (a CSV's "true" is text and needs no conversion).
    expect(run.stdout).toContain('2 true/false values are stored as the text "true" or "false"');
  });

  it('says a sheet that is not there, and which are', async () => {
    const run = await runCli(['check', 'review.xlsx', '--sheet', 'Spanz'], { cwd: folder.dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('The workbook has no sheet named "Spanz"; its sheets are "Notes", "Spans".');
  });
});
