/**
 * Web addresses and email addresses in a message, found in its plain text. The message stays text:
 * callers render the pieces as text nodes and anchors, never as HTML. Only `http:`, `https:` and
 * `mailto:` become links; anything else (`javascript:`, `data:`, …) stays text.
 */

export type MessagePiece = { text: string } | { text: string; href: string; label: string; email: boolean };

/** Longest shown form of an address; the rest becomes an ellipsis (the link keeps it whole). */
export const LINK_LABEL_MAX = 40;

// A web address starts with http(s):// or www. at a word boundary and runs to the next space or
// angle bracket or quote; an email address is local@domain.tld.
const CANDIDATE = /\b(?:(?:https?:\/\/|www\.)[^\s<>"]+|[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/gi;
/** Punctuation that ends a sentence rather than an address. */
const TRAILING = /[.,;:!?'*_~]$/;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

const count = (text: string, char: string) => text.split(char).length - 1;

/** Drops what follows an address without belonging to it: "(see https://x.nl/a)." → "https://x.nl/a". */
function trimAddress(candidate: string): string {
  let address = candidate;
  for (;;) {
    const last = address.at(-1) ?? '';
    const opener = CLOSERS[last];
    if (TRAILING.test(last) || (opener && count(address, last) > count(address, opener))) address = address.slice(0, -1);
    else return address;
  }
}

/** The address a browser may open, or undefined when it is not a web address after all. */
function webHref(address: string): string | undefined {
  try {
    const url = new URL(/^www\./i.test(address) ? `https://${address}` : address);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.') ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The shown form: no scheme, no trailing slash, at most LINK_LABEL_MAX characters. */
export function linkLabel(address: string): string {
  const shown = address.replace(/^https?:\/\//i, '').replace(/\/$/, '');
  return shown.length > LINK_LABEL_MAX ? `${shown.slice(0, LINK_LABEL_MAX - 1)}…` : shown;
}

/** The message as text and links, in order; joining the pieces' `text` gives the message back. */
export function messagePieces(message: string): MessagePiece[] {
  const pieces: MessagePiece[] = [];
  let at = 0;
  for (const match of message.matchAll(CANDIDATE)) {
    const address = trimAddress(match[0]);
    const email = !/^(https?:\/\/|www\.)/i.test(address);
    const href = email ? `mailto:${address}` : webHref(address);
    if (!href) continue;
    if (match.index > at) pieces.push({ text: message.slice(at, match.index) });
    pieces.push({ text: address, href, label: linkLabel(address), email });
    at = match.index + address.length;
  }
  if (at < message.length) pieces.push({ text: message.slice(at) });
  return pieces;
}
