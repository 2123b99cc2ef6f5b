import { useId, useRef, type ClipboardEvent, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PendingUpload } from './useUploads';

/** Files dropped on, or pasted into, a composer (a pasted screenshot arrives as a file). */
export function filesOf(event: DragEvent | ClipboardEvent): File[] {
  const data = 'dataTransfer' in event ? event.dataTransfer : event.clipboardData;
  return Array.from(data?.files ?? []);
}

interface DropZoneProps {
  onFiles(files: File[]): void;
  children: ReactNode;
  className?: string;
}

/** Takes files dropped anywhere on a form, and screenshots pasted into any of its fields. */
export function DropZone({ onFiles, children, className = '' }: DropZoneProps) {
  const { t } = useTranslation();
  const depth = useRef(0);
  const zone = useRef<HTMLDivElement>(null);
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const setOver = (over: boolean) => zone.current?.classList.toggle('drop-zone--over', over);
  return (
    <div
      ref={zone}
      className={`drop-zone ${className}`}
      data-drop-label={t('attachments.drop')}
      onDragEnter={(e) => hasFiles(e) && (depth.current++, setOver(true))}
      onDragLeave={() => --depth.current <= 0 && ((depth.current = 0), setOver(false))}
      onDragOver={(e) => hasFiles(e) && e.preventDefault()}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        onFiles(filesOf(e));
      }}
      onPaste={(e) => {
        const files = filesOf(e);
        if (!files.length) return;
        e.preventDefault();
        onFiles(files);
      }}
    >
      {children}
    </div>
  );
}

interface AttachmentPickerProps {
  uploads: PendingUpload[];
  onFiles(files: File[]): void;
  onRemove(key: string): void;
}

/** The "Attach files" button, and a chip per file with its progress, cancel and error. */
export function AttachmentPicker({ uploads, onFiles, onRemove }: AttachmentPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const refused = uploads.filter((u) => u.state === 'refused');
  return (
    <div className="attach">
      <label className="btn btn--ghost btn--small attach__button" htmlFor={id}>
        {t('attachments.add')}
      </label>
      <input
        id={id}
        type="file"
        multiple
        className="sr-only"
        onChange={(e) => {
          onFiles(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      {uploads.some((u) => u.state !== 'refused') && (
        <ul className="attach__list" aria-label={t('attachments.label')}>
          {uploads
            .filter((u) => u.state !== 'refused')
            .map((u) => (
              <li key={u.key} className={`file-chip file-chip--${u.state}`} data-testid="upload">
                <span className="file-chip__name">{u.name}</span>
                {u.state === 'uploading' && (
                  <progress
                    className="file-chip__progress"
                    max={1}
                    value={u.progress}
                    aria-label={t('attachments.progress', { name: u.name })}
                  />
                )}
                <button
                  type="button"
                  className="file-chip__remove"
                  onClick={() => onRemove(u.key)}
                  aria-label={t(u.state === 'uploading' ? 'attachments.cancel' : 'attachments.remove', { name: u.name })}
                >
                  ×
                </button>
              </li>
            ))}
        </ul>
      )}
      {refused.map((u) => (
        <p key={u.key} className="field__error attach__error" role="alert">
          {u.error}
          <button type="button" className="attach__dismiss" onClick={() => onRemove(u.key)} aria-label={t('common.dismiss')}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
