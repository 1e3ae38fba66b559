import { lazy, Suspense, useState } from 'react';
import { Modal } from '@/ui/shared/modal';
import './settings.css';

/** Says that the dialog's code could not be fetched (the server is down, or was updated since the page loaded). */
function SettingsLoadFailure({ message, onClose }: { message: string; onClose: () => void }) {
  return (
    <Modal title="Connection settings" onClose={onClose}>
      <p role="alert" className="modal-body">
        The connection settings could not be loaded ({message}). Reload the page to try again.
      </p>
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

/** Loads the dialog's code (react-hook-form and its zod resolver) once; the first call starts the download. */
const importSettingsDialog = () => import('./settings-dialog');
let dialogModule: ReturnType<typeof importSettingsDialog> | null = null;
const loadSettingsDialog = () => (dialogModule ??= importSettingsDialog());

/** The connection settings dialog, in its own chunk: the app's first download leaves the form library out. */
const SettingsDialog = lazy(() =>
  loadSettingsDialog().then(
    ({ SettingsDialog }) => ({ default: SettingsDialog }),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      return {
        default: ({ onClose }: { onClose: () => void }) => (
          <SettingsLoadFailure message={message} onClose={onClose} />
        ),
      };
    },
  ),
);

/**
 * The header's "Settings" button and the connection settings dialog it opens (focus returns to it on close). The
 * dialog's code is fetched when the pointer or the keyboard focus reaches the button, or at the latest on the
 * click; the dialog focuses its first field once it is shown.
 */
export function SettingsButton() {
  const [open, setOpen] = useState(false);
  const prefetch = () => void loadSettingsDialog().catch(() => undefined);
  return (
    <>
      <button
        type="button"
        className="settings-button"
        aria-haspopup="dialog"
        onPointerEnter={prefetch}
        onFocus={prefetch}
        onClick={() => setOpen(true)}
      >
        Settings
      </button>
      {open && (
        <Suspense fallback={null}>
          <SettingsDialog onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
