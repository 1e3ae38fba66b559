import { ColumnCells } from '@/core/sheet';
import { describeValue, isRecord } from './draft-words';
import { restoreSheet, SHEET_DRAFT_FORMAT } from './restore-sheet';
import { openSheetLog, type OpenedLog, SHEET_LOG_FORMAT, type SheetLogHead } from './sheet-log';

/**
 * A draft as storage holds it: its head (the record autosave keeps as the current sheet) and, for a log, the
 * records of its columns and of its edits (none for a draft of format 1, which is one record).
 */
export interface SavedDraft {
  head: unknown;
  columns: readonly unknown[];
  edits: readonly unknown[];
}

/** One step of a migration sequence: it takes a draft of the format before it to the format its id numbers. */
export interface DraftMigration {
  /** `<sequence>/<format it makes>`, numbered from 1 without a gap. */
  id: `${string}/${number}`;
  /** The draft in the next format; what it repaired on the way, in plain words, is added to `repairs`. */
  up(draft: SavedDraft, repairs: string[]): SavedDraft;
}

/** Thrown by a migration when a draft cannot be brought to the next format: the reason, in plain words. */
export class DraftRefused extends Error {}

/** A numbered list of migrations: the format a draft has after each, and the newest one. */
export interface MigrationSequence {
  sequenceId: string;
  /** The format the last migration makes: the one this version saves. */
  currentFormat: number;
  migrations: readonly DraftMigration[];
}

/**
 * Checks a list of migrations (as tldraw's `createMigrationSequence` does): each id is `<sequenceId>/<n>`, n
 * counting from 1 without a gap, so the draft's format says which migrations it still needs.
 */
export function createMigrationSequence(
  sequenceId: string,
  migrations: readonly DraftMigration[],
): MigrationSequence {
  migrations.forEach((migration, index) => {
    const expected = `${sequenceId}/${index + 1}`;
    if (migration.id !== expected) {
      throw new Error(`Migration ${index + 1} of ${sequenceId} is named ${migration.id}, not ${expected}`);
    }
  });
  return { sequenceId, currentFormat: migrations.length, migrations };
}

/**
 * The migrations of a saved sheet: a draft without a format number is format 0; format 1 held the whole sheet in
 * one record; format 2 (`sheet-log.ts`) keeps the columns once and the edits after.
 */
export const sheetDraftMigrations = createMigrationSequence('sheet-draft', [
  {
    // Before drafts had a format number: read as format 1.
    id: 'sheet-draft/1',
    up: (draft, repairs) => {
      repairs.push(`It had no format number; it was read as format ${SHEET_DRAFT_FORMAT}.`);
      return { ...draft, head: { ...(draft.head as Record<string, unknown>), format: SHEET_DRAFT_FORMAT } };
    },
  },
  {
    // The whole sheet in one record → a log of its columns with no edits: repaired by `restoreSheet` first.
    id: 'sheet-draft/2',
    up: (draft, repairs) => {
      const restored = restoreSheet(draft.head);
      if (!restored.ok) throw new DraftRefused(restored.reason);
      for (const repair of restored.repairs) repairs.push(repair);
      const { columns, cells, rowCount, source, dirty, savedAt } = restored.draft;
      const head = {
        format: SHEET_LOG_FORMAT,
        // NOTE: a log that was never stored: autosave starts one of its own at the next save.
        id: 'migrated',
        columns,
        rowCount,
        logLength: 0,
        source,
        dirty,
        ...(savedAt === undefined ? {} : { savedAt }),
      } satisfies SheetLogHead;
      return {
        head,
        columns: columns.map((_, index) => ColumnCells.of(cells[index] ?? [], rowCount).pack()),
        edits: [],
      };
    },
  },
]);

/** What `migrateDraft` made of a saved draft: the draft in the current format, or why it could not. */
export type DraftMigrationResult =
  { ok: true; draft: SavedDraft; fromFormat: number; repairs: string[] } | { ok: false; reason: string };

/** The format a saved draft says it has (0 without one), or why it has none Spanpatch reads. */
function formatOf(head: unknown, sequence: MigrationSequence): number | { reason: string } {
  if (head === undefined || head === null) return { reason: 'It is empty.' };
  if (!isRecord(head)) return { reason: `It is ${describeValue(head)}, not a sheet.` };
  const format = head.format;
  if (format === undefined) return 0;
  if (typeof format === 'number' && Number.isInteger(format) && format > sequence.currentFormat) {
    return {
      reason: `It was saved by a newer version of Spanpatch (format ${format}); this version reads format ${sequence.currentFormat}.`,
    };
  }
  if (typeof format === 'number' && Number.isInteger(format) && format >= 1) return format;
  return { reason: `Its format (${describeValue(format)}) is not one Spanpatch has written.` };
}

/**
 * Brings a saved draft to the current format, one numbered migration after another from the format it was saved
 * in, saying what each repaired; a draft of a format Spanpatch never wrote, or that a migration cannot read, is
 * refused with the reason.
 */
export function migrateDraft(
  draft: SavedDraft,
  sequence: MigrationSequence = sheetDraftMigrations,
): DraftMigrationResult {
  const fromFormat = formatOf(draft.head, sequence);
  if (typeof fromFormat !== 'number') return { ok: false, reason: fromFormat.reason };
  const repairs: string[] = [];
  let current = draft;
  try {
    for (const migration of sequence.migrations.slice(fromFormat)) current = migration.up(current, repairs);
  } catch (error) {
    if (error instanceof DraftRefused) return { ok: false, reason: error.message };
    throw error;
  }
  return { ok: true, draft: current, fromFormat, repairs };
}

/** A saved sheet opened: the model, where it came from, what was repaired, and the log it was saved as (if any). */
export type SavedSheetOpening =
  ({ ok: true; log: { id: string; logLength: number } | null } & OpenedLog) | { ok: false; reason: string };

/**
 * Opens a saved sheet of any format autosave has written: migrated to the current format (`migrateDraft`), then
 * opened as a log (`openSheetLog`). `log` names the stored log autosave may append to: none when the draft was
 * migrated (it was not stored as a log) or edits were lost.
 */
export function openSavedSheet(draft: SavedDraft): SavedSheetOpening {
  const migrated = migrateDraft(draft);
  if (!migrated.ok) return migrated;
  const { head, columns, edits } = migrated.draft;
  const opened = openSheetLog(head, columns, edits);
  if (!opened.ok) return opened;
  const stored = head as SheetLogHead;
  const log =
    migrated.fromFormat === sheetDraftMigrations.currentFormat && opened.lostEdits === 0
      ? { id: stored.id, logLength: stored.logLength }
      : null;
  return { ...opened, repairs: [...migrated.repairs, ...opened.repairs], log };
}
