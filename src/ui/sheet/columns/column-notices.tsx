import { useId } from 'react';
import {
  acceptedAfter,
  type ColumnNotice,
  exampleText,
  NOTICE_ROWS_SHOWN,
  noticeRowsText,
  noticeSummary,
  type SheetModel,
  splitNotices,
} from '@/core/sheet';
import { type ColumnSettings, isUnnamedKeyColumn, settingsChanges } from '@/core/columns';
import { countText } from '@/ui/shared/format';
import { useStore } from '@/ui/shared/use-store';
import { KeyForm } from './key-field';
import type { SheetStore } from '@/ui/sheet/sheet-store';
import './column-notices.css';

/** The keys the sheet's metadata columns set, but the one given. */
function otherKeys(columns: readonly ColumnSettings[], except: string): string[] {
  return columns.flatMap((column) =>
    column.id !== except && column.target.kind === 'metadata' ? [column.target.key] : [],
  );
}

/**
 * The sheet's column notices, near its summary: what still needs attention (a column without a key, a conversion
 * of a whole column with its Accept) and, apart, the conversions accepted (with Show again). Accepting changes
 * what is shown, never what is stored; it is an edit like any other (undo takes it back) and is saved with the
 * sheet.
 */
export function ColumnNotices({
  store,
  knownKeys,
  keyInputRef,
}: {
  store: SheetStore;
  /** The project's metadata keys, offered when a key is named. */
  knownKeys: readonly string[];
  /** The first key input, for New sheet to move the focus there. */
  keyInputRef?: React.RefObject<HTMLDivElement | null>;
}) {
  useStore(store, (state) => state.version);
  const readOnly = useStore(store, (state) => state.readOnly);
  const headingId = useId();
  const model = store.model;
  const { open, accepted } = splitNotices(model.columnNotices());
  const unnamed = model.columns.filter(isUnnamedKeyColumn);
  if (open.length === 0 && accepted.length === 0 && unnamed.length === 0) return null;

  const setAccepted = (notice: ColumnNotice, value: boolean) => {
    const column = model.columns.find((candidate) => candidate.id === notice.columnId);
    if (!column) return;
    store.apply(
      {
        kind: 'update_column',
        columnId: column.id,
        changes: acceptedAfter(column, notice.code, value),
      },
      `${value ? 'Accept' : 'Show again'}: ${column.name}`,
    );
  };

  return (
    <section className="column-notices" aria-labelledby={headingId}>
      <h2 id={headingId} className="column-notices-title">
        Column notices
      </h2>
      {(unnamed.length > 0 || open.length > 0) && (
        <ul className="column-notices-list" aria-label="Needs attention">
          {unnamed.map((column, index) => (
            <li key={column.id} className="column-notice column-notice-key">
              <div ref={index === 0 ? keyInputRef : undefined}>
                <p className="column-notice-text">
                  <strong>{columnLabel(model, column)}</strong> has no key yet: its values cannot be sent
                  until it is named.
                </p>
                {!readOnly && (
                  <KeyForm
                    label="Name this column's key"
                    submitLabel="Name key"
                    knownKeys={knownKeys}
                    usedKeys={otherKeys(model.columns, column.id)}
                    onName={(key) =>
                      store.apply(
                        {
                          kind: 'update_column',
                          columnId: column.id,
                          changes: settingsChanges(column, { target: { kind: 'metadata', key } }),
                        },
                        `Name key ${key}`,
                      )
                    }
                  />
                )}
              </div>
            </li>
          ))}
          {open.map((notice) => (
            <NoticeLine
              key={`${notice.columnId}-${notice.code}-${notice.key}`}
              model={model}
              notice={notice}
              action={
                readOnly ? null : { label: acceptLabel(notice, open), run: () => setAccepted(notice, true) }
              }
            />
          ))}
        </ul>
      )}
      {accepted.length > 0 && (
        <details className="column-notices-accepted">
          <summary>Accepted conversions: {countText(accepted.length, 'column notice')}</summary>
          <ul className="column-notices-list" aria-label="Accepted conversions">
            {accepted.map((notice) => (
              <NoticeLine
                key={`${notice.columnId}-${notice.code}-${notice.key}`}
                model={model}
                notice={notice}
                action={readOnly ? null : { label: 'Show again', run: () => setAccepted(notice, false) }}
              />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** "Column 2 (attributes.metadata.)": a column as the notices name it. */
function columnLabel(model: SheetModel, column: ColumnSettings): string {
  const position = model.columns.findIndex((candidate) => candidate.id === column.id) + 1;
  return `Column ${position} (${column.name || 'no name'})`;
}

/**
 * An Accept's words: a conversion is accepted for its column, so for a patch_document column with several keys
 * it is accepted for every one of them, and the button says so.
 */
function acceptLabel(notice: ColumnNotice, open: readonly ColumnNotice[]): string {
  if (!notice.fromPatchDocument) return 'Accept';
  const keys = open.filter((other) => other.columnId === notice.columnId && other.code === notice.code);
  return keys.length > 1 ? 'Accept for every key' : 'Accept';
}

/**
 * One notice: its column, what happens to how many cells, an example, and its action. A key of patch_document
 * also says in which rows (its cells carry no marker of their own).
 */
function NoticeLine({
  model,
  notice,
  action,
}: {
  model: SheetModel;
  notice: ColumnNotice;
  action: { label: string; run: () => void } | null;
}) {
  const textId = useId();
  const example = model.noticeExample(notice.columnId, notice.code, notice.key);
  const rows = notice.fromPatchDocument
    ? noticeRowsText(model.noticeRows(notice, NOTICE_ROWS_SHOWN), notice.count)
    : '';
  return (
    <li className={`column-notice${notice.accepted ? ' column-notice-accepted' : ''}`}>
      <p id={textId} className="column-notice-text">
        <strong>{notice.column}</strong>: {noticeSummary(notice)}
        {example && <span className="column-notice-example"> {exampleText(example)}</span>}
        {rows && <span className="column-notice-rows"> {rows}</span>}
      </p>
      {action && (
        // The button's name is its action; the notice it acts on is its description.
        <button type="button" aria-describedby={textId} onClick={action.run}>
          {action.label}
        </button>
      )}
    </li>
  );
}

/**
 * The badge a column's header carries for its notices: ▲ with how many need attention (a conversion not accepted
 * yet, or a key not named), or ✓ when all are accepted. Nothing for a column without notices.
 */
export function ColumnNoticeBadge({ model, column }: { model: SheetModel; column: ColumnSettings }) {
  const notices = model.columnNotices().filter((notice) => notice.columnId === column.id);
  const unnamed = isUnnamedKeyColumn(column);
  const open = notices.filter((notice) => !notice.accepted);
  if (!unnamed && notices.length === 0) return null;
  const lines = [
    ...(unnamed ? ["Name this column's key: its values cannot be sent until it has one."] : []),
    ...notices.map((notice) => `${notice.accepted ? 'Accepted: ' : ''}${noticeSummary(notice)}`),
  ];
  const words = [
    ...(unnamed ? ['key not named'] : []),
    ...(open.length > 0 ? [countText(open.length, 'column notice')] : []),
    ...(open.length === 0 && notices.length > 0 ? [countText(notices.length, 'accepted conversion')] : []),
  ];
  const state = unnamed ? 'blocking' : open.length > 0 ? 'open' : 'accepted';
  // NOTE: the notice mark is drawn, not a character: ⓘ is missing from many machines' fonts (an empty box).
  const mark =
    state === 'open' ? (
      <>
        <InfoIcon />
        {open.length > 1 ? open.length : ''}
      </>
    ) : state === 'blocking' ? (
      '▲'
    ) : (
      '✓'
    );
  return (
    <span className={`column-notice-badge column-notice-badge-${state}`} title={lines.join('\n')}>
      <span aria-hidden="true"> {mark}</span>
      <span className="visually-hidden">, {words.join(', ')}</span>
    </span>
  );
}

/** An i in a circle, in the text's colour and size. */
function InfoIcon() {
  return (
    <svg className="info-icon" viewBox="0 0 16 16" width="1em" height="1em" focusable="false">
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx="8" cy="4.75" r="1" fill="currentColor" />
      <path d="M8 7.25v4.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}
