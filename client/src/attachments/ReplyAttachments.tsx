import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentFieldsFragment } from '../gql/graphql';
import { intlLocale } from '../i18n';

const sizeLabel = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toLocaleString(intlLocale(), { maximumFractionDigits: 1 })} MB`
    : `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(intlLocale())} KB`;

/**
 * The files of a message: images as thumbnails that open large in a dialog (Esc or the close button
 * closes it and focus returns to the thumbnail), other files as chips that download.
 */
export function ReplyAttachments({ attachments }: { attachments: AttachmentFieldsFragment[] }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<AttachmentFieldsFragment | null>(null);
  if (!attachments.length) return null;
  const show = (attachment: AttachmentFieldsFragment) => {
    setOpen(attachment);
    dialog.current?.showModal();
  };
  return (
    <div className="bubble__files">
      {attachments.map((a) =>
        a.thumbnailUrl ? (
          <button key={a.id} type="button" className="thumb" onClick={() => show(a)} aria-label={t('attachments.open', { name: a.name })}>
            <img src={a.thumbnailUrl} alt={a.name} loading="lazy" />
          </button>
        ) : (
          <a key={a.id} className="file-chip file-chip--link" href={a.url} download={a.name}>
            <span className="file-chip__name">{a.name}</span>
            <span className="file-chip__size">{sizeLabel(a.size)}</span>
          </a>
        ),
      )}
      <dialog ref={dialog} className="lightbox" aria-label={open?.name} onClose={() => setOpen(null)}>
        {open && (
          <>
            <img src={open.url} alt={open.name} className="lightbox__image" />
            <div className="lightbox__bar">
              <a href={open.url} download={open.name} className="lightbox__name">
                {open.name}
              </a>
              <button type="button" className="btn btn--small" onClick={() => dialog.current?.close()}>
                {t('attachments.close')}
              </button>
            </div>
          </>
        )}
      </dialog>
    </div>
  );
}
