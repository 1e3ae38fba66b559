import { lazy, Suspense, useState } from 'react';
import { useConnectionSettings, useIdentity } from '@/ui/settings';
import { fetchOnce, LoadFailure, LoadingStatus } from '@/ui/shared/lazy-code';
import { Modal } from '@/ui/shared/modal';
import { useSignInOffered } from './api/get-sign-in';
import './people.css';

const loadKeys = fetchOnce(() => import('./keys-dialog'));
const loadAudit = fetchOnce(() => import('./audit-dialog'));

/** The dialog that says a dialog's code could not be fetched, closed as the dialog would be. */
const failedDialog =
  (title: string) =>
  (error: unknown): { default: never } => ({
    default: (({ onClose }: { onClose: () => void }) => (
      <Modal title={title} onClose={onClose}>
        <div className="modal-body">
          <LoadFailure what={title} error={error} />
        </div>
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </Modal>
    )) as never,
  });

// The Keys and Audit dialogs, each in a chunk of its own: the header's first download leaves them out.
const KeysDialog = lazy(() =>
  loadKeys().then((m) => ({ default: m.KeysDialog }), failedDialog('Your API keys')),
);
const AuditDialog = lazy(() => loadAudit().then((m) => ({ default: m.AuditDialog }), failedDialog('Audit')));
const prefetch = (load: () => Promise<unknown>) => () => void load().catch(() => undefined);

/**
 * Ends the session (`POST /auth/logout`), then loads the app again, signed out. NOTE: a fetch, not a form: the
 * app's Content-Security-Policy allows no form to be sent (`form-action 'none'`).
 */
async function signOut(serverUrl: string): Promise<void> {
  try {
    await fetch(`${serverUrl}/auth/logout`, { method: 'POST', credentials: 'same-origin' });
  } finally {
    window.location.reload();
  }
}

/**
 * The header's account (SPEC §16): on a server that signs people in, "Sign in", or who is signed in with their role,
 * their Keys, the Audit for an admin, and "Sign out". Nothing on a server without sign-in.
 */
export function AccountMenu() {
  const settings = useConnectionSettings();
  const offered = useSignInOffered(settings.serverUrl);
  const identity = useIdentity(settings);
  const [open, setOpen] = useState<'keys' | 'audit' | null>(null);
  if (!offered) return null;
  if (identity?.via !== 'session') {
    const back = encodeURIComponent(window.location.pathname);
    return (
      <a className="account-sign-in button-link" href={`${settings.serverUrl}/auth/login?return_to=${back}`}>
        Sign in
      </a>
    );
  }
  return (
    <div className="account">
      <span className="account-who">
        Signed in as <strong>{identity.name}</strong> <span className="account-role">({identity.role})</span>
      </span>
      <button
        type="button"
        onPointerEnter={prefetch(loadKeys)}
        onFocus={prefetch(loadKeys)}
        onClick={() => setOpen('keys')}
      >
        Keys
      </button>
      {identity.role === 'admin' && (
        <button
          type="button"
          onPointerEnter={prefetch(loadAudit)}
          onFocus={prefetch(loadAudit)}
          onClick={() => setOpen('audit')}
        >
          Audit
        </button>
      )}
      <button type="button" onClick={() => void signOut(settings.serverUrl)}>
        Sign out
      </button>
      <Suspense fallback={<LoadingStatus what={open === 'audit' ? 'the Audit' : 'your API keys'} floating />}>
        {open === 'keys' && <KeysDialog identity={identity} onClose={() => setOpen(null)} />}
        {open === 'audit' && <AuditDialog onClose={() => setOpen(null)} />}
      </Suspense>
    </div>
  );
}
