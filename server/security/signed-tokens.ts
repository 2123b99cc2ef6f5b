import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tokens for links in emails that act without signing in (docs/architecture.md §7, §10): what a link
 * is for (a fixed number of bytes), when it expires, and an HMAC-SHA-256 of both (cut to 128 bits)
 * under the server's key and a label of the link's kind, in base64url. Changing any byte, forging one,
 * or taking a token of one kind for another needs the key.
 */
export interface TokenKind {
  /** Signed with the claims: the key signs nothing else under it, so a tag made for another kind never fits. */
  label: string;
  /** The length of the claims, in bytes. */
  bytes: number;
}

export type TokenReading =
  | { kind: 'valid'; claims: Buffer }
  /** Signed by us but past its time: safe to say so, as only the recipient could hold it. */
  | { kind: 'expired' }
  /** Malformed, tampered with, or signed under another key: nothing more is said. */
  | { kind: 'invalid' };

const EXPIRY_BYTES = 4;
const TAG_BYTES = 16;

const tagOf = (key: Buffer, { label }: TokenKind, signed: Buffer) =>
  createHmac('sha256', key).update(label).update(signed).digest().subarray(0, TAG_BYTES);

/** The length of a token of `kind`, in characters. */
export const tokenLength = ({ bytes }: TokenKind) => Math.ceil(((bytes + EXPIRY_BYTES + TAG_BYTES) * 4) / 3);

export function signToken(key: Buffer, kind: TokenKind, claims: Buffer, expiresAt: Date): string {
  if (claims.length !== kind.bytes) throw new Error(`${kind.label.trim()} claims are ${kind.bytes} bytes`);
  const expiry = Buffer.alloc(EXPIRY_BYTES);
  expiry.writeUInt32BE(Math.ceil(expiresAt.getTime() / 1000));
  const signed = Buffer.concat([claims, expiry]);
  return Buffer.concat([signed, tagOf(key, kind, signed)]).toString('base64url');
}

export function readToken(key: Buffer, kind: TokenKind, token: string, now: Date): TokenReading {
  if (token.length !== tokenLength(kind) || !/^[A-Za-z0-9_-]*$/.test(token)) return { kind: 'invalid' };
  const bytes = Buffer.from(token, 'base64url');
  // One spelling per token: the unused low bits of the last character must be zero.
  if (bytes.toString('base64url') !== token) return { kind: 'invalid' };
  const signed = bytes.subarray(0, kind.bytes + EXPIRY_BYTES);
  // Every byte compared, whatever the first wrong one: the time taken says nothing about the tag.
  if (!timingSafeEqual(bytes.subarray(signed.length), tagOf(key, kind, signed))) return { kind: 'invalid' };
  if (signed.readUInt32BE(kind.bytes) * 1000 <= now.getTime()) return { kind: 'expired' };
  return { kind: 'valid', claims: signed.subarray(0, kind.bytes) };
}

/** A UUID as the 16 bytes a token holds, and back. */
export const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
export const uuidOf = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
