import { useState } from 'react';
import { listAudit } from '@/client';
import { type AuditAction, type AuditEvent, auditActionSchema, authorWords } from '@/core/api';
import { getConnectionSettings, toClientOptions } from '@/ui/settings';
import { Modal } from '@/ui/shared/modal';
import { describeRequestError } from '@/ui/shared/request-error';
import { useRequest } from '@/ui/shared/use-request';

/** What an event's details say, as `name: value` pairs. */
function detailText(event: AuditEvent): string {
  return Object.entries(event.detail)
    .map(([key, value]) => `${key}: ${value ?? '—'}`)
    .join(', ');
}

/** The Audit view (admins, SPEC §16): sign-ins, failed sign-ins, keys made and revoked, reverts; newest first. */
export function AuditDialog({ onClose }: { onClose: () => void }) {
  const [action, setAction] = useState<AuditAction | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useRequest(`audit-${action}-${cursor}`, (signal) =>
    listAudit({ action, cursor }, { ...toClientOptions(getConnectionSettings()), signal }),
  );
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
        {page.status === 'failed' && (
          <p role="alert">{describeRequestError(page.error, getConnectionSettings())}</p>
        )}
        {page.status === 'ready' && (
          <table className="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>Who</th>
                <th>From</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {page.data.events.map((event) => (
                <tr key={event.id}>
                  <td>{event.at.slice(0, 19).replace('T', ' ')}</td>
                  <td>{event.action.replace(/_/g, ' ')}</td>
                  <td>{authorWords({ author: event.actor, key_name: null }) ?? 'unknown'}</td>
                  <td>{event.address ?? ''}</td>
                  <td>{detailText(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.status === 'ready' && page.data.next_cursor !== null && (
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
