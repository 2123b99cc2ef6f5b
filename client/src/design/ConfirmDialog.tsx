import { useEffect, useId, useRef } from 'react';
import { Button } from './Button';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  body: string;
  confirm: string;
  cancel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal question (native <dialog>: the page behind is inert, Escape cancels, focus returns to what
 * opened it). Focus starts on the safe answer, so Enter never discards by accident.
 */
export function ConfirmDialog({ open, title, body, confirm, cancel, onConfirm, onCancel }: ConfirmDialogProps) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-safe]')?.focus();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="confirm"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${id}-title`} className="confirm__title">
        {title}
      </h2>
      <p id={`${id}-body`} className="confirm__body">
        {body}
      </p>
      <div className="confirm__actions">
        <Button variant="danger" onClick={onConfirm}>
          {confirm}
        </Button>
        <Button variant="secondary" onClick={onCancel} data-safe>
          {cancel}
        </Button>
      </div>
    </dialog>
  );
}
