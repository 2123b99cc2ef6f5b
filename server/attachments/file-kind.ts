import FileType from 'file-type';

/** What the first bytes of an upload say it is. */
export type FileKind = { allowed: true; contentType: string; image: boolean } | { allowed: false; described: string };

/** The types people attach to support messages, by what file-type finds in the bytes. */
const ALLOWED: Record<string, { image: boolean }> = {
  'image/png': { image: true },
  'image/jpeg': { image: true },
  'image/gif': { image: true },
  'image/webp': { image: true },
  'application/pdf': { image: false },
  'application/zip': { image: false },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { image: false },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { image: false },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { image: false },
};

/** Refusals people understand: "… is a Windows program, which cannot be attached". */
const DESCRIBED: Record<string, string> = {
  'application/x-msdownload': 'a Windows program',
  'application/x-elf': 'a program',
  'application/x-mach-binary': 'a program',
  'application/x-sh': 'a shell script',
  'application/xml': 'an XML document',
  'image/svg+xml': 'an SVG image',
  'text/html': 'an HTML document',
};

/** How many leading bytes the decision needs (file-type reads at most 4100 for the ZIP-based Office types). */
export const SNIFF_BYTES = 4100;

/**
 * Decides from the bytes alone, never from the name: a browser told `nosniff` still must not be
 * handed markup, so text that starts like markup is refused as what it is.
 */
export async function sniffFileKind(head: Buffer, name: string): Promise<FileKind> {
  const found = await FileType.fromBuffer(head);
  // file-type calls any XML "application/xml"; SVG and XHTML are XML too.
  if (found?.mime === 'application/xml') return { allowed: false, described: markupIn(head) ?? DESCRIBED['application/xml'] };
  if (found) {
    const allowed = ALLOWED[found.mime];
    if (allowed) return { allowed: true, contentType: found.mime, image: allowed.image };
    return { allowed: false, described: DESCRIBED[found.mime] ?? `a ${found.ext.toUpperCase()} file` };
  }
  if (head.includes(0) || !isUtf8Start(head)) return { allowed: false, described: 'of a type that is not allowed' };
  const markup = markupIn(head);
  if (markup) return { allowed: false, described: markup };
  if (head.subarray(0, 2).toString() === '#!') return { allowed: false, described: DESCRIBED['application/x-sh'] };
  return { allowed: true, contentType: /\.csv$/i.test(name) ? 'text/csv' : 'text/plain', image: false };
}

/** Text whose first non-blank character opens a tag is a document a browser would render: what kind, or null. */
function markupIn(head: Buffer): string | null {
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (!text.startsWith('<')) return null;
  if (/<svg[\s>]/.test(text)) return DESCRIBED['image/svg+xml'];
  if (/<(!doctype\s+)?html/.test(text) || !text.startsWith('<?xml')) return DESCRIBED['text/html'];
  return DESCRIBED['application/xml'];
}

/** Valid UTF-8, allowing a character cut off at the end of the sample. */
function isUtf8Start(head: Buffer): boolean {
  for (let cut = 0; cut <= 3 && cut < head.length + 1; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try without the last byte(s): a multi-byte character may straddle the sample's end
    }
  }
  return false;
}
