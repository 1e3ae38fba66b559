import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { type ColumnSettings, NO_PROJECT_TYPES, type ProjectTypes } from '@/core/columns';
import {
  type CellValue,
  createFileImporter,
  delimiterName,
  describeSize,
  formatLabel,
  type ImportFormat,
  tableRowCount,
} from '@/core/import';
import { ColumnCells, SheetModel } from '@/core/sheet';
import { type MappingOptions, mapColumns } from './column-mapping';
import { CommandError } from './exit-status';

/** A sheet file read and checked by the engine, as the app would hold it after its import. */
export interface SheetFile {
  /** The path as given, and the file's name (the submission's default label). */
  path: string;
  name: string;
  size: number;
  format: ImportFormat;
  /** The delimiter of a CSV/TSV file, in words ("comma (,)"). */
  delimiter: string | null;
  /** The sheet read, of an Excel workbook. */
  sheet: string | null;
  columns: ColumnSettings[];
  model: SheetModel;
  /** What the import said without stopping ("Skipped 3 empty lines."). */
  notes: string[];
}

/** How much of the file one read takes: big enough to be quick, small enough never to hold the file twice. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Why a file cannot be opened, in words, from Node's error code. */
function openProblem(path: string, where: string, error: unknown): CommandError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new CommandError(`There is no file ${path} (looked for ${where}).`);
    case 'EACCES':
    case 'EPERM':
      return new CommandError(`${path} cannot be read: permission denied.`);
    case 'EISDIR':
      return new CommandError(`${path} is a folder, not a file: name the sheet file in it.`);
    default:
      return new CommandError(
        `${path} cannot be read: ${error instanceof Error ? error.message : String(error)}.`,
      );
  }
}

/**
 * Reads a sheet file with the importers the app uses (`src/core/import`): CSV and TSV are parsed as the bytes
 * stream in, a chunk at a time, so the file's text is never held whole beside its rows; JSON, JSON Lines,
 * Parquet and Excel are read at the end, as in the app. `path` is as the user wrote it, from `cwd`. Then the
 * columns are mapped (`mapColumns`) and the sheet is checked by `SheetModel`, an `auto` column of a key the project
 * types (`projectTypes`) read as its type. A file that cannot be read or mapped is a `CommandError` that says why.
 */
export async function readSheetFile(
  path: string,
  mapping: MappingOptions & { sheet?: string },
  cwd: string,
  projectTypes: ProjectTypes = NO_PROJECT_TYPES,
): Promise<SheetFile> {
  const file = resolve(cwd, path);
  let size: number;
  try {
    const stats = await stat(file);
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stats.size;
  } catch (error) {
    throw openProblem(path, file, error);
  }
  const name = basename(path);
  const importer = createFileImporter(
    name,
    size,
    mapping.sheet === undefined ? {} : { sheet: mapping.sheet },
  );
  if (importer.error === null) {
    const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        importer.push(chunk);
        if (importer.error !== null) break;
      }
    } catch (error) {
      throw openProblem(path, file, error);
    } finally {
      stream.destroy();
    }
  }
  const result = await importer.finish();
  if (!result.ok) {
    const { error } = result;
    const first = error.sheets?.[0];
    // NOTE: the app asks which sheet with a picker; here the choice is an option.
    const pick = first === undefined ? '' : ` Name it with --sheet, e.g. --sheet ${shellWord(first)}.`;
    throw new CommandError(`${name} (${describeSize(size)}) cannot be imported: ${error.message}${pick}`);
  }
  const { table } = result;
  const columns = mapColumns(table.headers, table.origin, mapping);
  // NOTE: CSV/TSV read straight into columns is checked as it was read: no row, and no string per cell, is held.
  const model =
    table.columns === undefined
      ? modelFromRows(columns, table.rows, projectTypes)
      : SheetModel.fromTextColumns(columns, table.columns, tableRowCount(table), projectTypes);
  return {
    path,
    name,
    size,
    format: table.format,
    delimiter: table.delimiter === undefined ? null : delimiterName(table.delimiter),
    sheet: table.sheet ?? null,
    columns,
    model,
    notes: table.notes,
  };
}

/** A sheet name as a shell word: quoted when it holds anything but letters, digits, `.`, `_` and `-`. */
function shellWord(text: string): string {
  return /^[\p{L}\p{N}._-]+$/u.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Texts up to this long are shared when they repeat (`true`, `ana`, `3`): longer ones are rarely repeated. */
const SHARED_TEXT_MAX_LENGTH = 12;
/** Distinct texts shared per column; a column with more (scores, IDs) keeps its cells as they are. */
const SHARED_TEXTS_PER_COLUMN = 4096;

/**
 * One copy of each short text a column repeats. NOTE: a file of a million rows has millions of cells like `true`
 * or `ana`, each its own string as parsed; sharing one copy keeps tens of megabytes of them out of memory.
 */
class SharedTexts {
  private texts: Map<string, string> | null = new Map();

  share(cell: CellValue): CellValue {
    const texts = this.texts;
    if (texts === null || typeof cell !== 'string' || cell.length > SHARED_TEXT_MAX_LENGTH) return cell;
    const shared = texts.get(cell);
    if (shared !== undefined) return shared;
    if (texts.size >= SHARED_TEXTS_PER_COLUMN) this.texts = null;
    else texts.set(cell, cell);
    return cell;
  }
}

/** Cells joined into one piece of a column's text at a time: few enough strings held loose at once. */
const PIECE_CELLS = 65_536;

/**
 * A text column packed as its rows come, in the form `SheetModel` keeps it (`PackedCells`: one text and the offset
 * where each cell starts): a few thousand cells are held loose at a time, never a million.
 */
class PackedTextColumn {
  private readonly pieces: string[] = [];
  private loose: string[] = [];
  private readonly offsets: Uint32Array;
  private end = 0;
  private row = 0;

  constructor(rows: number) {
    this.offsets = new Uint32Array(rows + 1);
  }

  add(cell: string): void {
    this.loose.push(cell);
    this.end += cell.length;
    this.offsets[++this.row] = this.end;
    if (this.loose.length === PIECE_CELLS) {
      this.pieces.push(this.loose.join(''));
      this.loose = [];
    }
  }

  cells(rows: number): ColumnCells {
    this.pieces.push(this.loose.join(''));
    this.loose = [];
    const text = this.pieces.join('');
    this.pieces.length = 0;
    return ColumnCells.unpack({ kind: 'text', text, offsets: this.offsets, changed: [] }, rows);
  }
}

/**
 * The sheet of the imported rows, built column by column as `SheetModel` keeps it.
 * NOTE: each row is let go as soon as its cells are in the columns (the array is emptied as it is read), so a
 * million rows are never held twice, as rows and as columns. Text cells (CSV, TSV) go straight into packed columns
 * (`PackedTextColumn`), so the sheet is checked over those; the app's worker computes a sheet from loose cells and
 * packs it after, which is quicker but holds every cell as a string of its own while it computes.
 */
function modelFromRows(
  columns: readonly ColumnSettings[],
  rows: CellValue[][],
  projectTypes: ProjectTypes,
): SheetModel {
  const rowCount = rows.length;
  const width = columns.length;
  const held = rows as (CellValue[] | undefined)[];
  const allText = rows.every((row) => row.every((cell) => typeof cell === 'string'));
  if (allText) {
    const packed = columns.map(() => new PackedTextColumn(rowCount));
    for (let index = 0; index < rowCount; index++) {
      const row = held[index] as string[];
      held[index] = undefined;
      for (let column = 0; column < width; column++) packed[column]?.add(row[column] ?? '');
    }
    rows.length = 0;
    const cells = packed.map((column) => column.cells(rowCount));
    return new SheetModel(columns, cells, rowCount, undefined, projectTypes);
  }
  const columnCells: CellValue[][] = columns.map(() => []);
  const shared = columns.map(() => new SharedTexts());
  for (let index = 0; index < rowCount; index++) {
    const row = held[index] ?? [];
    held[index] = undefined;
    for (let column = 0; column < width; column++) {
      columnCells[column]?.push(shared[column]?.share(row[column]) ?? row[column]);
    }
  }
  rows.length = 0;
  return SheetModel.fromColumns(columns, columnCells, rowCount, projectTypes);
}

/** The file's format in words: "CSV (comma (,))", "Parquet", "Excel, sheet "Spans"". */
export function describeFormat(
  sheet: Pick<SheetFile, 'format' | 'delimiter'> & { sheet?: string | null },
): string {
  const label = formatLabel(sheet.format);
  if (sheet.sheet !== undefined && sheet.sheet !== null) return `${label}, sheet "${sheet.sheet}"`;
  return sheet.delimiter !== null && sheet.format === 'csv' && sheet.delimiter !== delimiterName(',')
    ? `${label}, ${sheet.delimiter} delimited`
    : label;
}
