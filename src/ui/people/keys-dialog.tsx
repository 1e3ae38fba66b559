import { useState } from 'react';
import { createKey, listKeys, revokeKey } from '@/client';
import type { CreatedKey, Identity, Role } from '@/core/api';
import { getConnectionSettings, toClientOptions } from '@/ui/settings';
import { Modal } from '@/ui/shared/modal';
import { describeRequestError } from '@/ui/shared/request-error';
import { useRequest } from '@/ui/shared/use-request';

const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** The roles a person may give a key: theirs and those below it. */
function rolesUpTo(role: Role): Role[] {
  return ROLES.slice(0, ROLES.indexOf(role) + 1);
}

/**
 * The Keys page (SPEC §16): a signed-in person's own API keys for the command line and the Python client: make one
 * (shown once), see each with its last use, revoke it.
 */
export function KeysDialog({ identity, onClose }: { identity: Identity; onClose: () => void }) {
  const [refresh, setRefresh] = useState(0);
  const [made, setMade] = useState<CreatedKey | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(identity.role);
  const [expires, setExpires] = useState('');
  const options = () => toClientOptions(getConnectionSettings());
  const keys = useRequest(`keys-${refresh}`, (signal) => listKeys(null, { ...options(), signal }));

  const onCreate = async (event: React.FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      const key = await createKey(
        {
          name,
          role,
          ...(expires === '' ? {} : { expires_at: new Date(`${expires}T23:59:59Z`).toISOString() }),
        },
        options(),
      );
      setMade(key);
      setName('');
      setRefresh((n) => n + 1);
    } catch (error) {
      setProblem(describeRequestError(error, getConnectionSettings()));
    }
  };

  const onRevoke = async (id: string) => {
    setProblem(null);
    try {
      await revokeKey(id, options());
      setRefresh((n) => n + 1);
    } catch (error) {
      setProblem(describeRequestError(error, getConnectionSettings()));
    }
  };

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
        {keys.status === 'failed' && (
          <p role="alert">{describeRequestError(keys.error, getConnectionSettings())}</p>
        )}
        {keys.status === 'ready' && keys.data.keys.length === 0 && <p>No keys yet.</p>}
        {keys.status === 'ready' && keys.data.keys.length > 0 && (
          <table className="keys-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Owner</th>
                <th>Made</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.keys.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>{key.role}</td>
                  <td>{key.owner.name ?? key.owner.email ?? key.owner.subject}</td>
                  <td>{key.created_at.slice(0, 10)}</td>
                  <td>{key.expires_at?.slice(0, 10) ?? 'never'}</td>
                  <td>{key.last_used_at?.slice(0, 16).replace('T', ' ') ?? 'never'}</td>
                  <td>
                    {key.revoked_at === null ? (
                      <button type="button" onClick={() => void onRevoke(key.id)}>
                        Revoke {key.name}
                      </button>
                    ) : (
                      'revoked'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
