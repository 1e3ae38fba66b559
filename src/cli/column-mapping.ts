import {
  autoMapColumns,
  autoMapHeader,
  type BlankPolicy,
  blankPolicySchema,
  type ColumnSettings,
  type ColumnTarget,
  type ColumnType,
  columnTypeSchema,
  METADATA_PREFIX,
  SPAN_ID_COLUMN,
} from '@/core/columns';
import { printableText } from '@/core/text';
import { CommandError } from './exit-status';

/** What the command line says about columns: `--map`, `--type` and `--blank`, each `COLUMN=VALUE`. */
export interface MappingOptions {
  /** `Quality=attributes.metadata.quality`, `id=context.span_id`, `notes=ignore`. */
  map?: readonly string[];
  /** `attributes.metadata.zip=string`: the column's type (auto, string, number, boolean, json). */
  type?: readonly string[];
  /** `attributes.metadata.note=null`: what a blank cell does (skip, null). */
  blank?: readonly string[];
}

const TARGETS_IN_WORDS = `${SPAN_ID_COLUMN}, ${METADATA_PREFIX}<key>, patch_document or ignore`;

/** Splits `COLUMN=VALUE` at its last `=` (a column name may hold one; a target or type never does). */
function splitSpec(option: string, spec: string): { column: string; value: string } {
  const at = spec.lastIndexOf('=');
  if (at <= 0) {
    throw new CommandError(
      `${option} '${spec}' is not COLUMN=VALUE: write for example ${option} 'Quality=attributes.metadata.quality'.`,
    );
  }
  return { column: spec.slice(0, at).trim(), value: spec.slice(at + 1).trim() };
}

/** Reads the target of a `--map`: the same names a header is recognised by, or `ignore`. */
export function parseTarget(spec: string, text: string): ColumnTarget {
  if (text.toLowerCase() === 'ignore') return { kind: 'ignore' };
  const mapping = autoMapHeader(text, 1);
  if (mapping.recognized && !(mapping.target.kind === 'metadata' && mapping.target.key === '')) {
    return mapping.target;
  }
  throw new CommandError(`--map '${spec}': "${text}" is not a target. Map a column to ${TARGETS_IN_WORDS}.`);
}

/** The indexes of the columns a `COLUMN=…` names: its header, trimmed, exactly, else in any case; `#3` is the third. */
function columnsNamed(headers: readonly string[], option: string, spec: string, name: string): number[] {
  const position = /^#(\d+)$/.exec(name);
  if (position) {
    const index = Number(position[1]) - 1;
    if (index >= 0 && index < headers.length) return [index];
    throw new CommandError(
      `${option} '${spec}': the file has ${headers.length} columns, so there is no column ${name}.`,
    );
  }
  const exact = headers.flatMap((header, index) => (header.trim() === name ? [index] : []));
  if (exact.length > 0) return exact;
  const lower = name.toLowerCase();
  const loose = headers.flatMap((header, index) => (header.trim().toLowerCase() === lower ? [index] : []));
  if (loose.length > 0) return loose;
  const names = headers.map((header) => JSON.stringify(header.trim())).join(', ');
  throw new CommandError(`${option} '${spec}': the file has no column "${name}". Its columns are ${names}.`);
}

/** How a column would be named to be recognised: the key suggested for an unrecognised header. */
function suggestedKey(header: string, index: number): string {
  const key = header
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '_')
    .replace(/[^\p{L}\p{N}_.-]/gu, '');
  return key === '' ? `column_${index + 1}` : key;
}

/** The column's name as a person sees it in messages. */
function columnLabel(header: string, index: number): string {
  return header.trim() === '' ? `column ${index + 1} (unnamed)` : `"${header.trim()}" (column ${index + 1})`;
}

/** A quoted shell argument for a `--map` suggestion. */
function shellQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The columns of a file as the app maps them (SPEC §1): auto-mapping by name, then the `--map`, `--type` and
 * `--blank` options. Where the app would open its mapping step (a column it does not recognise, or a second span
 * ID column), the command line cannot ask: it stops with a message naming each such column and how to name it.
 */
export function mapColumns(
  headers: readonly string[],
  origin: ColumnSettings['origin'],
  options: MappingOptions,
): ColumnSettings[] {
  const { columns } = autoMapColumns(headers, origin);
  const mapped = new Set<number>();
  for (const spec of options.map ?? []) {
    const { column, value } = splitSpec('--map', spec);
    const target = parseTarget(spec, value);
    for (const index of columnsNamed(headers, '--map', spec, column)) {
      const settings = columns[index];
      if (settings) columns[index] = { ...settings, target };
      mapped.add(index);
    }
  }
  const unresolved: Unresolved[] = [];
  headers.forEach((header, index) => {
    const mapping = autoMapHeader(header, index);
    const settings = columns[index];
    if (mapped.has(index) || !settings) return;
    if (!mapping.recognized) unresolved.push({ header, index, spanIdColumn: null });
    else if (mapping.target.kind === 'span_id' && settings.target.kind !== 'span_id') {
      // autoMapColumns maps the first span ID column only, and the app asks about the others; one left alone
      // by a --map that set the first one aside is the span ID.
      const spanIdColumn = columns.findIndex((column) => column.target.kind === 'span_id');
      if (spanIdColumn === -1) columns[index] = { ...settings, target: { kind: 'span_id' } };
      else unresolved.push({ header, index, spanIdColumn });
    }
  });
  if (unresolved.length > 0) throw new CommandError(unmappedMessage(headers, unresolved));
  applySettings(headers, columns, options);
  return columns;
}

/** A column the app would ask about: unrecognised, or a second span ID column (`spanIdColumn` is the first). */
interface Unresolved {
  header: string;
  index: number;
  spanIdColumn: number | null;
}

function unmappedMessage(headers: readonly string[], unresolved: readonly Unresolved[]): string[] {
  const lines = [
    unresolved.length === 1
      ? 'One column is not recognised, and the app would ask what it feeds:'
      : `${unresolved.length} columns are not recognised, and the app would ask what they feed:`,
  ];
  for (const { header, index, spanIdColumn } of unresolved) {
    // A name that would not print as it is (a control character in it) is named by its position instead.
    const name = header.trim() === '' || printableText(header) !== header ? `#${index + 1}` : header.trim();
    if (spanIdColumn !== null) {
      lines.push(
        `  ${columnLabel(header, index)} also names the span ID, like ${columnLabel(headers[spanIdColumn] ?? '', spanIdColumn)}: ` +
          `keep one, and leave the other out with --map ${shellQuoted(`${name}=ignore`)}.`,
      );
      continue;
    }
    lines.push(
      `  ${columnLabel(header, index)}: rename it in the file to ${METADATA_PREFIX}${suggestedKey(header, index)} ` +
        `(or ${SPAN_ID_COLUMN}, or patch_document), or map it with ` +
        `--map ${shellQuoted(`${name}=${METADATA_PREFIX}${suggestedKey(header, index)}`)}, ` +
        `or leave it out with --map ${shellQuoted(`${name}=ignore`)}.`,
    );
  }
  return lines;
}

/** Applies `--type` and `--blank` to the metadata columns they name. */
function applySettings(headers: readonly string[], columns: ColumnSettings[], options: MappingOptions): void {
  const settings: { option: '--type' | '--blank'; specs: readonly string[] }[] = [
    { option: '--type', specs: options.type ?? [] },
    { option: '--blank', specs: options.blank ?? [] },
  ];
  for (const { option, specs } of settings) {
    for (const spec of specs) {
      const { column, value } = splitSpec(option, spec);
      const change =
        option === '--type' ? { type: parseType(spec, value) } : { blankPolicy: parseBlank(spec, value) };
      for (const index of columnsNamed(headers, option, spec, column)) {
        const settings = columns[index];
        if (!settings) continue;
        if (settings.target.kind !== 'metadata') {
          throw new CommandError(
            `${option} '${spec}': "${column}" is not a metadata column (${METADATA_PREFIX}<key>), so it has no ${option === '--type' ? 'type' : 'blank policy'}.`,
          );
        }
        columns[index] = { ...settings, ...change };
      }
    }
  }
}

function parseType(spec: string, text: string): ColumnType {
  const parsed = columnTypeSchema.safeParse(text.toLowerCase());
  if (parsed.success) return parsed.data;
  throw new CommandError(
    `--type '${spec}': "${text}" is not a type. Use auto, string, number, boolean or json.`,
  );
}

function parseBlank(spec: string, text: string): BlankPolicy {
  const parsed = blankPolicySchema.safeParse(text.toLowerCase());
  if (parsed.success) return parsed.data;
  throw new CommandError(
    `--blank '${spec}': "${text}" is not a blank policy. Use skip (leave the key as it is) or null (set it to null).`,
  );
}
