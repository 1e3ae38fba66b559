import { useEffect, useId, useRef } from 'react';
import {
  type ColumnSettings,
  METADATA_PREFIX,
  renameChanges,
  settingsChanges,
  suggestedKey,
} from '@/core/columns';
import { issueMessage } from '@/core/issues';
import { useFocusTrap } from '@/ui/shared/use-focus-trap';
import { ColumnNoticeBadge } from '@/ui/sheet/columns/column-notices';
import { ColumnSettingsFields, describeColumnReading } from '@/ui/sheet/columns/column-settings-fields';
import type { SheetStore } from '@/ui/sheet/sheet-store';

/**
 * A column's header: its name and how it is read, and a menu to rename, retype, remap or delete it. It is a cell
 * of the grid's header row: the grid keeps the focus and makes it active (`id` is its aria-activedescendant),
 * Enter or Space there opens the menu; the menu keeps the focus while open and gives it back to the grid.
 */
export function ColumnHeader({
  id,
  store,
  column,
  columnIndex,
  active,
  menuOpen: open,
  onOpenMenu,
  onCloseMenu,
  onFillColumn,
}: {
  id: string;
  store: SheetStore;
  column: ColumnSettings;
  columnIndex: number;
  /** True when it is the grid's active cell. */
  active: boolean;
  menuOpen: boolean;
  onOpenMenu: () => void;
  /** Closes the menu; `returnFocus` gives the focus back to the grid (not after a click elsewhere). */
  onCloseMenu: (returnFocus: boolean) => void;
  /** Selects the column's shown cells and asks for a value to fill them with; absent when it cannot be filled. */
  onFillColumn?: () => void;
}) {
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const info = store.model.columnInfo(column.id);
  const columnIssues = info?.issues ?? [];
  const reading = describeColumnReading(column, info?.readType);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) onCloseMenu(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, onCloseMenu]);
  useFocusTrap(menuRef, open);
  // The whole menu in view: the grid scrolls sideways to show a menu that opens past its right edge.
  useEffect(() => {
    if (open) menuRef.current?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [open]);

  const close = () => onCloseMenu(true);

  const rename = (name: string) => {
    // A metadata column's key and header are one thing: renaming one renames the other.
    const changes = renameChanges(column, name);
    if (!changes) return;
    store.apply({ kind: 'update_column', columnId: column.id, changes }, `Rename column ${column.name}`);
  };

  return (
    <div
      id={id}
      role="columnheader"
      aria-colindex={columnIndex}
      className={`sheet-column-head${columnIssues.length > 0 ? ' sheet-column-head-warning' : ''}${active ? ' sheet-column-head-active' : ''}`}
    >
      <button
        ref={buttonRef}
        type="button"
        className="column-head-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        // NOTE: the grid is one Tab stop: the keyboard reaches this header with the arrow keys, not with Tab.
        tabIndex={-1}
        title={columnIssues.map(issueMessage).join('\n') || undefined}
        onClick={() => (open ? close() : onOpenMenu())}
      >
        <span className="column-head-name" title={column.name}>
          <ColumnName column={column} />
        </span>
        <span className="column-head-reading">
          {reading}
          {columnIssues.length > 0 && <span aria-label="column warning"> ▲</span>}
          <ColumnNoticeBadge model={store.model} column={column} />
        </span>
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="dialog"
          tabIndex={-1}
          aria-label={`Column ${column.name}`}
          className="column-menu"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              close();
            }
          }}
        >
          <label className="column-menu-name">
            Column name
            <input
              key={column.name}
              defaultValue={column.name}
              autoFocus
              onBlur={(event) => rename(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') rename(event.currentTarget.value);
              }}
            />
          </label>
          <ColumnSettingsFields
            column={column}
            defaultKey={suggestedKey(column.name)}
            onChange={(changes) => {
              const next = settingsChanges(column, changes);
              store.apply(
                { kind: 'update_column', columnId: column.id, changes: next },
                `Change column ${column.name}`,
              );
            }}
          />
          {columnIssues.map((issue) => (
            <p key={issue.code} className="issue-warning">
              {issueMessage(issue)}
            </p>
          ))}
          <div className="column-menu-actions">
            {onFillColumn && (
              <button type="button" onClick={onFillColumn}>
                Fill column…
              </button>
            )}
            <button
              type="button"
              className="danger"
              onClick={() => {
                store.apply({ kind: 'remove_column', columnId: column.id }, `Delete column ${column.name}`);
                close();
              }}
            >
              Delete column
            </button>
            <button type="button" onClick={close}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/**
 * A column's name. A metadata column shows its key first and the `attributes.metadata.` prefix after it, quieter
 * and cut first, so narrow metadata columns tell each other apart. Both are drawn by CSS from `data-text` and
 * hidden from assistive technology, which reads the name as it is, as one word, from a visually hidden copy.
 * NOTE: not two boxes in a reversed flex row: Chromium reads a space between flex items ("attributes.metadata.
 * reviewed"), and tests and users find columns by their name. Drawn text also keeps the header's text as it was.
 */
function ColumnName({ column }: { column: ColumnSettings }) {
  const { name } = column;
  const hasKey =
    column.target.kind === 'metadata' &&
    name.length > METADATA_PREFIX.length &&
    name.slice(0, METADATA_PREFIX.length).toLowerCase() === METADATA_PREFIX;
  if (!hasKey) return <span>{name || '(unnamed)'}</span>;
  return (
    <>
      <span aria-hidden="true" className="column-head-key" data-text={name.slice(METADATA_PREFIX.length)} />
      <span
        aria-hidden="true"
        className="column-head-prefix"
        data-text={name.slice(0, METADATA_PREFIX.length)}
      />
      <span className="visually-hidden">{name}</span>
    </>
  );
}
