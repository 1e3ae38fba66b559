import { type ReactNode, useState } from 'react';
import type { CreatedKey, Identity, PersonalKey, Role } from '@/core/api';
import { useConnectionSettings } from '@/ui/settings';
import { DataTable, type DataTableColumn } from '@/ui/shared/data-table';
import { Modal } from '@/ui/shared/modal';
import { describeRequestError } from '@/ui/shared/request-error';
import { useCreateKey, usePersonalKeys, useRevokeKey } from './api/personal-keys';

const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** The roles a person may give a key: theirs and those below it. */
function rolesUpTo(role: Role): Role[] {
  return ROLES.slice(0, ROLES.indexOf(role) + 1);
}

/** The columns of the keys table; the last holds each key's "Revoke" button (`revoke`). */
function keyColumns(revoke: (key: PersonalKey) => ReactNode): DataTableColumn<PersonalKey>[] {
  return [
    { id: 'name', header: 'Name', width: 140, grow: true, cell: (key) => key.name, title: (key) => key.name },
    { id: 'role', header: 'Role', width: 70, cell: (key) => key.role },
    {
      id: 'owner',
      header: 'Owner',
      width: 140,
      cell: (key) => key.owner.name ?? key.owner.email ?? key.owner.subject,
    },
    { id: 'made', header: 'Made', width: 100, cell: (key) => key.created_at.slice(0, 10) },
    { id: 'expires', header: 'Expires', width: 100, cell: (key) => key.expires_at?.slice(0, 10) ?? 'never' },
    {
      id: 'used',
      header: 'Last used',
      width: 140,
      cell: (key) => key.last_used_at?.slice(0, 16).replace('T', ' ') ?? 'never',
    },
    { id: 'revoke', header: <span className="visually-hidden">Revoke</span>, width: 150, cell: revoke },
  ];
}

/**
 * The Keys page (SPEC §16): a signed-in person's own API keys for the command line and the Python client: make one
 * (shown once), see each with its last use, revoke it.
 */
export function KeysDialog({ identity, onClose }: { identity: Identity; onClose: () => void }) {
  const settings = useConnectionSettings();
  const [made, setMade] = useState<CreatedKey | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(identity.role);
  const [expires, setExpires] = useState('');
  const keys = usePersonalKeys(settings);
  const creating = useCreateKey(settings);
  const revoking = useRevokeKey(settings);

  const onCreate = async (event: React.FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      const key = await creating.mutateAsync({
        name,
        role,
        ...(expires === '' ? {} : { expires_at: new Date(`${expires}T23:59:59Z`).toISOString() }),
      });
      setMade(key);
      setName('');
    } catch (error) {
      setProblem(describeRequestError(error, settings));
    }
  };

  const onRevoke = async (id: string) => {
    setProblem(null);
    try {
      await revoking.mutateAsync(id);
    } catch (error) {
      setProblem(describeRequestError(error, settings));
    }
  };

  const columns = keyColumns((key) =>
    key.revoked_at === null ? (
      <button type="button" onClick={() => void onRevoke(key.id)}>
        Revoke {key.name}
      </button>
    ) : (
      'revoked'
    ),
  );

  return (
    <Modal title="Your API keys" onClose={onClose} className="keys-dialog">
      <div className="modal-body">
        <p>
          Keys for the command line and the Python client (<code>SPANPATCH_KEY</code>). A key does what its
          role allows, and never more than you may.
        </p>
        <form className="keys-form" onSubmit={(event) => void onCreate(event)}>
          <label>
            Name
            <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} />
          </label>
          <label>
            Role
            <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {rolesUpTo(identity.role).map((item) => (
                <option key={item} value={item}>
                  {item}
                </option>
              ))}
            </select>
          </label>
          <label>
            Expires (optional)
            <input type="date" value={expires} onChange={(event) => setExpires(event.target.value)} />
          </label>
          <button type="submit">Make a key</button>
        </form>
        {made && (
          <div className="keys-made" role="status">
            <p>
              Your new key <strong>{made.name}</strong>. Copy it now: it is shown only this once.
            </p>
            <code className="keys-secret">{made.key}</code>
          </div>
        )}
        {problem && (
          <p role="alert" className="keys-problem">
            {problem}
          </p>
        )}
        {keys.isError && <p role="alert">{describeRequestError(keys.error, settings)}</p>}
        {keys.data?.keys.length === 0 && <p>No keys yet.</p>}
        {keys.data !== undefined && keys.data.keys.length > 0 && (
          <DataTable
            label="Your API keys"
            className="keys-table"
            rows={keys.data.keys}
            columns={columns}
            rowKey={(key) => key.id}
          />
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
