import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_ATTACHMENT_MAX_MB, MAX_ATTACHMENTS_PER_MESSAGE } from '../../../server/contract';
import { i18n, intlLocale } from '../i18n';

/** One file on its way to POST /uploads, or refused. */
export interface PendingUpload {
  key: string;
  name: string;
  size: number;
  /** 0 to 1. */
  progress: number;
  state: 'uploading' | 'done' | 'refused';
  /** Set once stored: the id to send in attachmentIds. */
  id?: string;
  error?: string;
}

const MAX_BYTES = DEFAULT_ATTACHMENT_MAX_MB * 1024 * 1024;
let seq = 0;

const megabytes = (bytes: number) => `${Math.max(1, Math.round(bytes / (1024 * 1024))).toLocaleString(intlLocale())} MB`;

/** The server's refusal (errors[0].message), or a message of our own when it gave none. */
function refusalOf(xhr: XMLHttpRequest, name: string): string {
  try {
    const message = JSON.parse(xhr.responseText)?.errors?.[0]?.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: a proxy's page or a dropped connection
  }
  return i18n.t('attachments.failed', { name });
}

/**
 * The files of one message: each uploaded as soon as it is chosen (XMLHttpRequest, for its upload
 * progress), cancellable, with one clear error per refused file. The server stays the judge of
 * type and size; the checks here only spare a doomed upload.
 */
export function useUploads() {
  const [uploads, setUploads] = useState<PendingUpload[]>([]);
  const requests = useRef(new Map<string, XMLHttpRequest>());
  const patch = (key: string, change: Partial<PendingUpload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  useEffect(() => () => requests.current.forEach((xhr) => xhr.abort()), []);

  const current = useRef(uploads);
  useEffect(() => {
    current.current = uploads;
  }, [uploads]);

  const add = useCallback((files: Iterable<File>) => {
    {
      let room = MAX_ATTACHMENTS_PER_MESSAGE - current.current.filter((u) => u.state !== 'refused').length;
      const added: PendingUpload[] = [];
      for (const file of files) {
        const key = `u${++seq}`;
        const entry: PendingUpload = { key, name: file.name || 'screenshot.png', size: file.size, progress: 0, state: 'uploading' };
        if (file.size > MAX_BYTES) {
          added.push({
            ...entry,
            state: 'refused',
            error: i18n.t('attachments.tooLarge', { name: entry.name, size: megabytes(file.size), limit: megabytes(MAX_BYTES) }),
          });
          continue;
        }
        if (room <= 0) {
          added.push({
            ...entry,
            state: 'refused',
            error: i18n.t('attachments.tooMany', { name: entry.name, max: MAX_ATTACHMENTS_PER_MESSAGE }),
          });
          continue;
        }
        room--;
        added.push(entry);
        const xhr = new XMLHttpRequest();
        requests.current.set(key, xhr);
        xhr.open('POST', '/uploads');
        xhr.setRequestHeader('Apollo-Require-Preflight', 'true');
        xhr.upload.onprogress = (event) => event.lengthComputable && patch(key, { progress: event.loaded / event.total });
        xhr.onload = () => {
          requests.current.delete(key);
          if (xhr.status === 201) patch(key, { state: 'done', progress: 1, id: JSON.parse(xhr.responseText).id });
          else patch(key, { state: 'refused', error: refusalOf(xhr, entry.name) });
        };
        xhr.onerror = () => {
          requests.current.delete(key);
          patch(key, { state: 'refused', error: i18n.t('attachments.failed', { name: entry.name }) });
        };
        const form = new FormData();
        form.append('file', file, entry.name);
        xhr.send(form);
      }
      setUploads((list) => [...list, ...added]);
    }
  }, []);

  /** Cancels an upload in flight, or removes a finished or refused one from the message. */
  const remove = useCallback((key: string) => {
    requests.current.get(key)?.abort();
    requests.current.delete(key);
    setUploads((list) => list.filter((u) => u.key !== key));
  }, []);

  const clear = useCallback(() => setUploads([]), []);

  return {
    uploads,
    add,
    remove,
    clear,
    /** The ids to send with the message. */
    ids: uploads.filter((u) => u.state === 'done').map((u) => u.id!),
    busy: uploads.some((u) => u.state === 'uploading'),
  };
}
