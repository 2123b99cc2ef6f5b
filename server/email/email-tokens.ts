import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';

/**
 * The tokens of reply addresses (bound to a ticket and a recipient) and unsubscribe links (bound to
 * a recipient): 128 random bits, of which only a SHA-256 hash is stored, so the table alone lets
 * no one answer or unsubscribe as someone else. Lower-case hex survives mail systems that change
 * the case of addresses.
 */
export type TokenPurpose = 'reply' | 'unsubscribe';

export interface TokenHolder {
  userId: string;
  ticketId: string | null;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest();

export const isTokenShaped = (token: string) => /^[0-9a-f]{32}$/.test(token);

export async function issueToken(manager: EntityManager, purpose: TokenPurpose, holder: TokenHolder): Promise<string> {
  const token = randomBytes(16).toString('hex');
  await manager.query(`INSERT INTO email_tokens (hash, purpose, user_id, ticket_id) VALUES ($1, $2, $3, $4)`, [
    hashOf(token),
    purpose,
    holder.userId,
    holder.ticketId,
  ]);
  return token;
}

export async function tokenHolder(manager: EntityManager, purpose: TokenPurpose, token: string): Promise<TokenHolder | null> {
  if (!isTokenShaped(token)) return null;
  const [row] = await manager.query(
    `SELECT user_id AS "userId", ticket_id AS "ticketId" FROM email_tokens WHERE hash = $1 AND purpose = $2`,
    [hashOf(token), purpose],
  );
  return row ?? null;
}
