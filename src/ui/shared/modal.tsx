import { type ReactNode, useEffect, useRef, useState } from 'react';
import { focusOpener, useFocusTrap } from './use-focus-trap';

/**
 * A modal dialog on the native `<dialog>` element: focus moves in, stays in while it is open (Tab and Shift+Tab
 * wrap around) and goes back to what opened it; Esc closes; the page behind is inert. `title` names it for
 * assistive technology.
 */
export function Modal({
  title,
  onClose,
  children,
  className,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Read during the first render, before an autoFocus child takes the focus, so it can be given back.
  const [opener] = useState(focusOpener);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (typeof dialog.showModal === 'function' && !dialog.open) dialog.showModal();
    else dialog.setAttribute('open', '');
    return () => {
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      opener?.focus();
    };
  }, [opener]);
  useFocusTrap(ref);
  return (
    <dialog
      ref={ref}
      tabIndex={-1}
      aria-label={title}
      className={`modal ${className ?? ''}`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 className="modal-title">{title}</h2>
      {children}
    </dialog>
  );
}

/** A yes/no question before something that cannot be taken back. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={title} onClose={onCancel}>
      <div className="modal-body">{message}</div>
      <div className="modal-actions">
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="primary" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
