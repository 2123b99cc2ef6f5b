import { TokenKind, readToken, signToken, uuidBytes, uuidOf } from '../security/signed-tokens';
import { isUuid } from '../support/support-input';

/**
 * The links in emails that download an attachment without signing in (docs/architecture.md §7).
 * A token (server/security/signed-tokens.ts) names the attachment and the recipient it was sent to;
 * it is 52 bytes in base64url (70 characters), short enough for any mail client.
 */
export interface LinkClaims {
  attachmentId: string;
  /** The recipient: the file is served as this user may see it. */
  userId: string;
  expiresAt: Date;
}

export type LinkReading = { kind: 'valid'; attachmentId: string; userId: string } | { kind: 'expired' } | { kind: 'invalid' };

const ATTACHMENT_LINK: TokenKind = { label: 'lex-support attachment link v1\0', bytes: 16 + 16 };

export function signLink(key: Buffer, { attachmentId, userId, expiresAt }: LinkClaims): string {
  if (!isUuid(attachmentId) || !isUuid(userId)) throw new Error('A link names an attachment and a user by their UUIDs');
  return signToken(key, ATTACHMENT_LINK, Buffer.concat([uuidBytes(attachmentId), uuidBytes(userId)]), expiresAt);
}

export function readLink(key: Buffer, token: string, now: Date): LinkReading {
  const reading = readToken(key, ATTACHMENT_LINK, token, now);
  if (reading.kind !== 'valid') return reading;
  return { kind: 'valid', attachmentId: uuidOf(reading.claims.subarray(0, 16)), userId: uuidOf(reading.claims.subarray(16, 32)) };
}
