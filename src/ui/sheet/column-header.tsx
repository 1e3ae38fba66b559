import { useEffect, useId, useRef, useState } from 'react';
import { type ColumnSettings, METADATA_PREFIX, standardHeader } from '@/core/columns';
import { issueMessage } from '@/core/issues';
import { ColumnSettingsFields, describeColumnReading } from './column-settings-fields';
import type { SheetStore } from './sheet-store';

/** A column's header: its name and how it is read, and a menu to rename, retype, remap or delete it. */
export function ColumnHeader({
  store,
  column,
  columnIndex,
}: {
  store: SheetStore;
  column: ColumnSettings;
  columnIndex: number;
}) {
  const [open, setOpen] = useState(false);
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
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const rename = (name: string) => {
    if (name === column.name || name.trim() === '') return;
    const changes: Partial<ColumnSettings> = { name };
    if (name.trim().toLowerCase().startsWith(METADATA_PREFIX) && column.target.kind === 'metadata') {
      changes.target = { kind: 'metadata', key: name.trim().slice(METADATA_PREFIX.length) };
    }
    store.apply({ kind: 'update_column', columnId: column.id, changes }, `Rename column ${column.name}`);
  };

  return (
    <div
      role="columnheader"
      aria-colindex={columnIndex}
      className={`sheet-column-head${columnIssues.length > 0 ? ' sheet-column-head-warning' : ''}`}
    >
      <button
        ref={buttonRef}
        type="button"
        className="column-head-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title={columnIssues.map(issueMessage).join('\n') || undefined}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="column-head-name" title={column.name}>
          <span>{column.name || '(unnamed)'}</span>
        </span>
        <span className="column-head-reading">
          {reading}
          {columnIssues.length > 0 && <span aria-label="column warning"> ▲</span>}
        </span>
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="dialog"
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
            defaultKey={column.name.trim() || 'key'}
            onChange={(changes) => {
              const next = { ...changes };
              if (
                changes.target &&
                column.target.kind !== changes.target.kind &&
                changes.target.kind !== 'ignore'
              ) {
                Object.assign(next, { name: standardHeader(changes.target, column.name) });
              }
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
            <button
              type="button"
              className="danger"
              onClick={() => {
                store.apply({ kind: 'remove_column', columnId: column.id }, `Delete column ${column.name}`);
                setOpen(false);
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
