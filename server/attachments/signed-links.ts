import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../support/support-input';

/**
 * The links in emails that download an attachment without signing in (docs/architecture.md §7).
 * A token names the attachment, the recipient it was sent to and when it expires, and carries an
 * HMAC-SHA-256 of those (cut to 128 bits) under the server's key: changing any of them, or forging
 * one, needs the key. It is 52 bytes in base64url (70 characters), short enough for any mail client.
 */
export interface LinkClaims {
  attachmentId: string;
  /** The recipient: the file is served as this user may see it. */
  userId: string;
  expiresAt: Date;
}

export type LinkReading =
  | { kind: 'valid'; attachmentId: string; userId: string }
  /** Signed by us but past its time: safe to say so, as only the recipient could hold it. */
  | { kind: 'expired' }
  /** Malformed, tampered with, or signed under another key: nothing more is said. */
  | { kind: 'invalid' };

const SIGNED_BYTES = 16 + 16 + 4;
const TAG_BYTES = 16;
// The key signs nothing else under this label, so a tag made for another purpose never fits here.
const LABEL = 'lex-support attachment link v1\0';

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const tagOf = (key: Buffer, signed: Buffer) => createHmac('sha256', key).update(LABEL).update(signed).digest().subarray(0, TAG_BYTES);

export function signLink(key: Buffer, { attachmentId, userId, expiresAt }: LinkClaims): string {
  if (!isUuid(attachmentId) || !isUuid(userId)) throw new Error('A link names an attachment and a user by their UUIDs');
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(Math.ceil(expiresAt.getTime() / 1000));
  const signed = Buffer.concat([uuidBytes(attachmentId), uuidBytes(userId), expiry]);
  return Buffer.concat([signed, tagOf(key, signed)]).toString('base64url');
}

export function readLink(key: Buffer, token: string, now: Date): LinkReading {
  if (!/^[A-Za-z0-9_-]{70}$/.test(token)) return { kind: 'invalid' };
  const bytes = Buffer.from(token, 'base64url');
  // One spelling per token: the unused low bits of the last character must be zero.
  if (bytes.toString('base64url') !== token) return { kind: 'invalid' };
  const signed = bytes.subarray(0, SIGNED_BYTES);
  // Every byte compared, whatever the first wrong one: the time taken says nothing about the tag.
  if (!timingSafeEqual(bytes.subarray(SIGNED_BYTES), tagOf(key, signed))) return { kind: 'invalid' };
  if (signed.readUInt32BE(32) * 1000 <= now.getTime()) return { kind: 'expired' };
  return { kind: 'valid', attachmentId: uuidOf(signed.subarray(0, 16)), userId: uuidOf(signed.subarray(16, 32)) };
}
