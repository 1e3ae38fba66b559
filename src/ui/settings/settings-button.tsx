import { useState } from 'react';
import { SettingsDialog } from './settings-dialog';
import './settings.css';

/** The header's "Settings" button and the connection settings dialog it opens (focus returns to it on close). */
export function SettingsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="settings-button" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}
