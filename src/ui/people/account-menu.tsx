import { useState } from 'react';
import { useConnectionSettings, useIdentity } from '@/ui/settings';
import { useSignInOffered } from './api/get-sign-in';
import { AuditDialog } from './audit-dialog';
import { KeysDialog } from './keys-dialog';
import './people.css';

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
      <button type="button" onClick={() => setOpen('keys')}>
        Keys
      </button>
      {identity.role === 'admin' && (
        <button type="button" onClick={() => setOpen('audit')}>
          Audit
        </button>
      )}
      <button type="button" onClick={() => void signOut(settings.serverUrl)}>
        Sign out
      </button>
      {open === 'keys' && <KeysDialog identity={identity} onClose={() => setOpen(null)} />}
      {open === 'audit' && <AuditDialog onClose={() => setOpen(null)} />}
    </div>
  );
}
