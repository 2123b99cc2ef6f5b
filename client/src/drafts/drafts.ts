import { useEffect, useState } from 'react';

/**
 * Half-written text kept in localStorage until it is sent (docs/architecture.md, "Drafts"): one key
 * per person and place, so two people on one browser never see each other's words.
 */

/** Drafts longer than this are not kept: a message is at most 10,000 characters, attachments are never stored. */
export const DRAFT_MAX_CHARS = 40_000;
const PREFIX = 'lex.draft.v1';

/** A draft is a few named strings. */
type Draft<T> = { [K in keyof T]: string };

export const draftKey = (userId: string, place: string): string => `${PREFIX}:${userId}:${place}`;

/**
 * The stored draft, or null when there is none or it is unreadable (broken JSON, an older shape):
 * `shape` says which string fields a draft has; any other value is ignored, a missing one is ''.
 */
export function parseDraft<T extends Draft<T>>(raw: string | null, shape: T): T | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const field = (value as Record<string, unknown>)[key];
    out[key] = typeof field === 'string' ? field : (shape as Record<string, string>)[key];
  }
  return isEmptyDraft(out) ? null : (out as unknown as T);
}

/** What to store: null (remove the key) for an empty draft or one past the size cap. */
export function serializeDraft(draft: object, max = DRAFT_MAX_CHARS): string | null {
  if (isEmptyDraft(draft)) return null;
  const raw = JSON.stringify(draft);
  return raw.length > max ? null : raw;
}

const TEXT_FIELDS = ['text', 'subject', 'message'];

/** A draft is worth keeping when its text fields hold more than white space (a mode or category alone is not). */
export function isEmptyDraft(draft: object): boolean {
  const fields = draft as Record<string, unknown>;
  return !TEXT_FIELDS.some((k) => typeof fields[k] === 'string' && fields[k].trim() !== '');
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // disabled storage (privacy settings) throws on access
  }
}

export function readDraft<T extends Draft<T>>(key: string, shape: T): T | null {
  try {
    return parseDraft(storage()?.getItem(key) ?? null, shape);
  } catch {
    return null;
  }
}

export function writeDraft(key: string, draft: object): void {
  const store = storage();
  try {
    const raw = serializeDraft(draft);
    if (raw === null) store?.removeItem(key);
    else store?.setItem(key, raw);
  } catch {
    // quota exceeded or storage disabled: the draft lives on in memory only
  }
}

export const clearDraft = (key: string): void => {
  try {
    storage()?.removeItem(key);
  } catch {
    // nothing kept, nothing to clear
  }
};

/** State that starts from the stored draft and is written back on every change. */
export function useDraft<T extends Draft<T>>(key: string, empty: T): [T, (next: T | ((v: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => readDraft(key, empty) ?? empty);
  useEffect(() => writeDraft(key, value), [key, value]);
  return [value, setValue];
}
