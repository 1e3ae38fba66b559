// Workbooks written and read by openpyxl (a real spreadsheet writer, in the Python test environment that
// `node scripts/test-setup.mjs` makes), for the tests of Excel import and export. See workbook.py.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testVenvDir, venvPython } from '../../scripts/system-requirements.mjs';

// NOTE: from the module's path, not `new URL(…, import.meta.url)`: jsdom's URL is not the one Node's
// fileURLToPath takes, and component tests run in jsdom.
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'workbook.py');

/** A cell to write: text, a number, a boolean, null (empty), or an Excel date. */
export type WorkbookValue = string | number | boolean | null | { date: string } | { datetime: string };

/** A row to write, or one row written `repeat` times. */
export type WorkbookRow = WorkbookValue[] | { repeat: number; row: WorkbookValue[] };

export interface WorkbookSheet {
  name: string;
  rows: WorkbookRow[];
}

/** A cell as openpyxl reads it back: its value, its solid fill colour (RRGGBB) and its comment. */
export interface ReadCell {
  ref: string;
  value: string | number | boolean | null;
  fill: string | null;
  comment: string | null;
}

const python = () => venvPython(testVenvDir());

/** Writes an .xlsx workbook at `path` with openpyxl. */
export function writeWorkbook(path: string, sheets: WorkbookSheet[]): void {
  execFileSync(python(), [SCRIPT, 'write', path], {
    input: JSON.stringify({ sheets }),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Reads an .xlsx workbook with openpyxl: every sheet's cells that hold a value, a fill or a comment. */
export function readWorkbook(path: string): { name: string; cells: ReadCell[] }[] {
  const out = execFileSync(python(), [SCRIPT, 'read', path], { maxBuffer: 256 * 1024 * 1024 });
  return (JSON.parse(out.toString('utf8')) as { sheets: { name: string; cells: ReadCell[] }[] }).sheets;
}
