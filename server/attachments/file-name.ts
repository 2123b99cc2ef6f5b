import { MAX_FILE_NAME_LENGTH } from '../contract';

// Control characters, and the bidirectional overrides and isolates that make "exe.pdf" look like
// "fdp.exe" (U+202A–202E, U+2066–2069), plus the marks U+200E/200F.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The name a file is stored and shown under: the last part of whatever path the browser sent,
 * without characters that could hide its real extension, at most 255 characters (keeping the extension).
 */
export function sanitiseFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  let name = base.replace(UNSAFE, '').normalize('NFC').trim().replace(/^\.+/, '');
  if (!name) name = 'file';
  const chars = [...name];
  if (chars.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? [...name.slice(dot)] : [];
  return chars.slice(0, MAX_FILE_NAME_LENGTH - extension.length).join('') + extension.join('');
}

/** How a size is told to people: "31 MB", "820 KB". */
export function describeSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
