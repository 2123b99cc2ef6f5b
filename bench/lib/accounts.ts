// The bench accounts' database side: sessions made without a sign-in, ids by e-mail, the server's role.
import { createHash, randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { APP_ROLE } from '../../server/contract';

/** A connection as the server's own: the row-level-secured application role. */
export const appClient = (connectionString: string) => new PgClient({ connectionString, options: `-c role=${APP_ROLE}` });

/** What `sessions` stores of a token, and what a transaction names in `app.session`. */
export const sessionKey = (token: string) => createHash('sha256').update(token).digest('hex');

/** Sessions as the sign-in creates them: a random token, only its SHA-256 stored. */
export async function createSessions(db: PgClient, userIds: string[]): Promise<string[]> {
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  const hashes = tokens.map(sessionKey);
  for (let i = 0; i < userIds.length; i += 5000) {
    await db.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at)
       SELECT u, h, now() + interval '1 day' FROM unnest($1::uuid[], $2::text[]) AS x(u, h)`,
      [userIds.slice(i, i + 5000), hashes.slice(i, i + 5000)],
    );
  }
  return tokens;
}

export async function userIds(db: PgClient, emails: string[]): Promise<string[]> {
  const rows = (await db.query(`SELECT id, email FROM users WHERE email = ANY($1)`, [emails])).rows;
  const byEmail = new Map(rows.map((r) => [r.email, r.id as string]));
  return emails.map((e) => {
    const id = byEmail.get(e);
    if (!id) throw new Error(`no bench account ${e}: is the database seeded?`);
    return id;
  });
}
