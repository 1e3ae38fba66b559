import { useState } from 'react';
import { type AuditAction, type AuditEvent, auditActionSchema, authorWords } from '@/core/api';
import { useConnectionSettings } from '@/ui/settings';
import { DataTable, type DataTableColumn } from '@/ui/shared/data-table';
import { Modal } from '@/ui/shared/modal';
import { describeRequestError } from '@/ui/shared/request-error';
import { useAudit } from './api/get-audit';

/** What an event's details say, as `name: value` pairs. */
function detailText(event: AuditEvent): string {
  return Object.entries(event.detail)
    .map(([key, value]) => `${key}: ${value ?? '—'}`)
    .join(', ');
}

const auditColumns: DataTableColumn<AuditEvent>[] = [
  { id: 'at', header: 'When', width: 150, cell: (event) => event.at.slice(0, 19).replace('T', ' ') },
  { id: 'action', header: 'What', width: 130, cell: (event) => event.action.replace(/_/g, ' ') },
  {
    id: 'actor',
    header: 'Who',
    width: 180,
    cell: (event) => authorWords({ author: event.actor, key_name: null }) ?? 'unknown',
  },
  { id: 'address', header: 'From', width: 110, cell: (event) => event.address ?? '' },
  {
    id: 'detail',
    header: 'Details',
    width: 200,
    grow: true,
    cell: (event) => detailText(event),
    title: (event) => detailText(event),
  },
];

/** The Audit view (admins, SPEC §16): sign-ins, failed sign-ins, keys made and revoked, reverts; newest first. */
export function AuditDialog({ onClose }: { onClose: () => void }) {
  const settings = useConnectionSettings();
  const [action, setAction] = useState<AuditAction | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useAudit(settings, action, cursor);
  return (
    <Modal title="Audit" onClose={onClose} className="audit-dialog">
      <div className="modal-body">
        <label>
          Show{' '}
          <select
            value={action ?? ''}
            onChange={(event) => {
              setCursor(null);
              setAction(event.target.value === '' ? null : (event.target.value as AuditAction));
            }}
          >
            <option value="">every event</option>
            {auditActionSchema.options.map((item) => (
              <option key={item} value={item}>
                {item.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        {page.isError && <p role="alert">{describeRequestError(page.error, settings)}</p>}
        {page.data && (
          <DataTable
            label="Audit events"
            className="audit-table"
            rows={page.data.events}
            columns={auditColumns}
            rowKey={(event) => event.id}
            busy={page.isPlaceholderData}
          />
        )}
        {page.data && !page.isPlaceholderData && page.data.next_cursor !== null && (
          <button type="button" onClick={() => setCursor(page.data.next_cursor)}>
            Older events
          </button>
        )}
      </div>
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
