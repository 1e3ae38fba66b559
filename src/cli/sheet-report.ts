import { describeSize } from '@/core/import';
import {
  describeLocation,
  ERROR_CODES,
  type Issue,
  type IssueCode,
  issueMessage,
  WARNING_CODES,
} from '@/core/issues';
import {
  type ColumnNotice,
  exampleText,
  NOTICE_ROWS_SHOWN,
  noticeRowsText,
  noticeSummary,
  type SheetSummary,
} from '@/core/sheet';
import { count, countOf } from './format';
import { describeFormat, type SheetFile } from './read-sheet';
import type { Paint, Terminal } from './terminal';

/** How much of the issues to list: all of them (null), or at most this many per column. */
export interface IssueListing {
  maxIssuesPerColumn: number | null;
}

/** Lines written at once: a million warnings are listed without building one huge text. */
const FLUSH_LINES = 2000;

/** The summary of a checked sheet, as the app's summary bar and Preview chips say it. */
export function summaryLines(sheet: SheetFile, summary: SheetSummary, paint: Paint): string[] {
  const dataRows = summary.rows - summary.blankRows;
  const { ready, warnings, blocked, empty } = summary.spansByStatus;
  const lines = [
    `${paint('bold', sheet.name)}: ${describeFormat(sheet)}, ${describeSize(sheet.size)}, ${countOf(dataRows, 'row')}, ${countOf(summary.spans, 'span')}`,
    `  Spans: ${count(ready)} ready, ${count(warnings)} with warnings, ` +
      `${paint(blocked > 0 ? 'red' : 'dim', `${count(blocked)} blocked`)}, ${count(empty)} with nothing to change`,
    `  ${paint(summary.errors > 0 ? 'red' : 'dim', countOf(summary.errors, 'error'))}, ` +
      `${paint(summary.warnings > 0 ? 'yellow' : 'dim', countOf(summary.warnings, 'warning'))}` +
      codeCounts(summary.byCode) +
      (summary.notices.length > 0
        ? `; ${paint('cyan', countOf(summary.notices.length, 'column conversion'))} (${summary.notices.map(noticeName).join(', ')})`
        : ''),
  ];
  for (const note of sheet.notes) lines.push(`  Note: ${note}`);
  for (const issue of summary.sheetIssues)
    lines.push(paint('red', `  The sheet cannot be submitted: ${issue.message}`));
  return lines;
}

/** A notice in the summary line: its code, and for a key of patch_document the key ("json_to_string "tags""). */
function noticeName(notice: ColumnNotice): string {
  return notice.fromPatchDocument ? `${notice.code} ${JSON.stringify(notice.key)}` : notice.code;
}

function codeCounts(byCode: Partial<Record<IssueCode, number>>): string {
  const parts = [...ERROR_CODES, ...WARNING_CODES]
    .filter((code) => (byCode[code] ?? 0) > 0)
    .map((code) => `${code} ${count(byCode[code] ?? 0)}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** One issue as a line: severity, where (row and column, as the app says it), the message, and its code. */
export function issueLine(issue: Issue, paint: Paint): string {
  const severity = issue.severity === 'error' ? paint('red', 'error  ') : paint('yellow', 'warning');
  return `  ${severity} ${describeLocation(issue)}: ${issueMessage(issue)} ${paint('dim', `(${issue.code})`)}`;
}

/**
 * A conversion of a whole column (or of a key of patch_document), said once in its column as the sheet says it
 * (`noticeSummary`), with the first cell it applies to and, for a key of patch_document, its first rows.
 */
function noticeLine(notice: ColumnNotice, model: SheetFile['model'], paint: Paint): string {
  const example = model.noticeExample(notice.columnId, notice.code, notice.key);
  const rows = notice.fromPatchDocument
    ? noticeRowsText(model.noticeRows(notice, NOTICE_ROWS_SHOWN), notice.count)
    : '';
  return (
    `  ${paint('cyan', 'convert')} ${describeLocation({ row: null, column: notice.column })}: ${noticeSummary(notice)}` +
    (example === null ? '' : ` ${exampleText(example)}`) +
    (rows === '' ? '' : ` ${rows}`) +
    ` ${paint('dim', `(${notice.code}${notice.accepted ? ', accepted' : ''})`)}`
  );
}

interface ColumnTally {
  errors: number;
  warnings: number;
  /** 0-based rows with an issue in this column, in order. */
  rows: number[];
}

/**
 * Every error and warning of the sheet, grouped by column as the sheet shows them (a column's own issues in its
 * header, then its cells top to bottom), each with its row and column and the engine's message.
 */
export function reportIssues(sheet: SheetFile, terminal: Terminal, listing: IssueListing): void {
  const { model } = sheet;
  const paint = terminal.paintReport;
  const tallies = new Map<string, ColumnTally>();
  const tally = (columnId: string): ColumnTally => {
    let entry = tallies.get(columnId);
    if (!entry) {
      entry = { errors: 0, warnings: 0, rows: [] };
      tallies.set(columnId, entry);
    }
    return entry;
  };
  const notices = new Map<string, ColumnNotice[]>();
  for (const notice of model.columnNotices()) {
    notices.set(notice.columnId, [...(notices.get(notice.columnId) ?? []), notice]);
    tally(notice.columnId);
  }
  for (const column of model.columns) {
    for (const issue of model.columnInfo(column.id)?.issues ?? []) {
      const entry = tally(column.id);
      if (issue.severity === 'error') entry.errors++;
      else entry.warnings++;
    }
  }
  // NOTE: one pass over the rows keeps only which rows have issues in which column; the issues themselves are
  // computed again when listed, so a million warnings are never all held at once.
  for (let row = 0; row < model.rowCount; row++) {
    const status = model.rowStatus(row);
    if (status !== 'error' && status !== 'warning') continue;
    for (const issue of model.rowIssues(row)) {
      const entry = tally(issue.columnId);
      if (issue.severity === 'error') entry.errors++;
      else entry.warnings++;
      if (entry.rows[entry.rows.length - 1] !== row) entry.rows.push(row);
    }
  }
  let lines: string[] = [];
  const flush = () => {
    terminal.report(...lines);
    lines = [];
  };
  for (const column of model.columns) {
    const entry = tallies.get(column.id);
    if (!entry) continue;
    const columnNotices = notices.get(column.id) ?? [];
    const counts = [
      entry.errors > 0 ? paint('red', countOf(entry.errors, 'error')) : null,
      entry.warnings > 0 ? paint('yellow', countOf(entry.warnings, 'warning')) : null,
      columnNotices.length > 0 ? paint('cyan', countOf(columnNotices.length, 'conversion')) : null,
    ].filter((part) => part !== null);
    const name = column.name.trim() === '' ? '(unnamed)' : column.name;
    lines.push('', `${paint('bold', `Column ${name}`)}: ${counts.join(', ')}`);
    for (const notice of columnNotices) lines.push(noticeLine(notice, model, paint));
    const limit = listing.maxIssuesPerColumn ?? Infinity;
    let listed = 0;
    const list = (issue: Issue) => {
      if (listed >= limit) return;
      lines.push(issueLine(issue, paint));
      listed++;
      if (lines.length >= FLUSH_LINES) flush();
    };
    for (const issue of model.columnInfo(column.id)?.issues ?? []) list(issue);
    for (const row of entry.rows) {
      if (listed >= limit) break;
      for (const issue of model.rowIssues(row)) if (issue.columnId === column.id) list(issue);
    }
    const total = entry.errors + entry.warnings;
    if (total > listed) {
      lines.push(
        paint(
          'dim',
          `  … and ${count(total - listed)} more in this column (--max-issues sets how many are listed)`,
        ),
      );
    }
  }
  flush();
}
