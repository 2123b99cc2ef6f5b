import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { emailMatches, normalizeEmail } from '../accounts/email';
import { Role, User } from '../accounts/user.entity';
import { forbidden, unauthenticated } from '../errors';
import { verifyPassword } from './passwords';
import { Viewer } from './viewer';

/** A session ends 7 days after sign-in, or after 24 hours without use. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 3600_000;
export const SESSION_IDLE_MS = 24 * 3600_000;
/** Last use is written at most this often, so that reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** What sign-in found for an email; `key` names the account for the sign-in limits. */
export interface SignInAccount {
  key: string;
  user: User | null;
}

/**
 * PostgreSQL channel on which every ended session is announced (its id as the payload), in the
 * statement that ends it: every instance on the database hears it, with or without Redis, and
 * nothing can end a session without announcing it.
 */
export const SESSION_ENDED_CHANNEL = 'lex_session_ended';

/** A session still in use: not revoked, not past its absolute expiry, used within the idle expiry. */
const LIVE = `s.expires_at > now() AND s.last_seen_at > now() - ${SESSION_IDLE_MS} * interval '1 millisecond'`;

/** What a session needs to know of its user. */
export type SessionUser = Pick<User, 'id' | 'role' | 'name' | 'email' | 'tenantId'>;

export interface SessionOptions {
  /** False with SSO_ONLY: customers sign in from Lex only. */
  customersUsePasswords?: boolean;
}

/**
 * Sign-in and sessions. Works on the owner's (system) connections: the app's database role may
 * neither read `users` and `sessions` nor write them, so SQL run on its connections cannot mint a
 * session for someone else.
 */
export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly options: SessionOptions = {},
  ) {}

  /**
   * A session of at most a minute for work a user asked for outside the web app (a reply by email),
   * since row-level security trusts only live sessions; it is deleted when `work` ends.
   */
  async actAs<T>(userId: string, work: (sessionKey: string) => Promise<T>): Promise<T> {
    const sessionKey = hashToken(randomBytes(32).toString('base64url'));
    const [session] = await this.db.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 minute') RETURNING id`,
      [userId, sessionKey],
    );
    try {
      return await work(sessionKey);
    } finally {
      await this.db.query('DELETE FROM sessions WHERE id = $1', [session.id]);
    }
  }

  /**
   * The account an email names, as the database finds it, and the key its sign-in limits count
   * under: the user's id, or for an unknown email that email as the database lowers it, so that
   * every spelling the database takes for one account meets the same limits.
   */
  async findAccount(email: string): Promise<SignInAccount> {
    email = normalizeEmail(email);
    // No account has NUL in its email (PostgreSQL could not even compare it) or more than 254 characters.
    if (email.includes('\0') || email.length > 254) email = '';
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .leftJoinAndSelect('u.tenant', 'tenant')
      .where(emailMatches('u.email', ':email'), { email })
      .getOne();
    if (user) return { key: user.id, user };
    const [{ key }] = await this.db.query('SELECT lower($1) AS key', [email]);
    return { key: `email:${key}`, user: null };
  }

  /** The same error whether the email is unknown or the password wrong. */
  async signIn({ user }: SignInAccount, password: string): Promise<{ user: User; token: string; viewer: Viewer }> {
    const valid = await verifyPassword(user?.passwordHash, password);
    if (!user || !valid) throw unauthenticated('Email or password is incorrect');
    // Checked after the password, so that it tells nobody which emails are customers'.
    if (user.role === Role.CUSTOMER && this.options.customersUsePasswords === false) {
      throw forbidden('Customers sign in from Lex: open Support from within Lex');
    }
    return { user, ...(await this.start(user)) };
  }

  /** A new session for a user whose identity is already established (a password, a token from Lex). */
  async start(user: SessionUser): Promise<{ token: string; viewer: Viewer }> {
    const token = randomBytes(32).toString('base64url');
    const sessionKey = hashToken(token);
    const [session] = await this.db.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at)
       VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       RETURNING id, expires_at`,
      [user.id, sessionKey, SESSION_ABSOLUTE_MS],
    );
    return { token, viewer: toViewer(user, { id: session.id, key: sessionKey, expiresAt: session.expires_at }) };
  }

  /** The viewer of a live session token, or null for an unknown, revoked or expired one. */
  authenticate(token: string): Promise<Viewer | null> {
    return this.liveViewer('s.token_hash = $1', hashToken(token));
  }

  /** The viewer of a session again, as a use of it (open sockets check theirs before each operation). */
  check(sessionId: string): Promise<Viewer | null> {
    return this.liveViewer('s.id = $1', sessionId);
  }

  /** Which of these sessions are still live, without counting as a use (the periodic sweep of sockets). */
  async stillLive(sessionIds: string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await this.db.query(`SELECT s.id FROM sessions s WHERE s.id = ANY($1) AND ${LIVE}`, [sessionIds]);
    return new Set(rows.map((row) => row.id));
  }

  private async liveViewer(condition: string, value: string): Promise<Viewer | null> {
    const [row] = await this.db.query(
      `SELECT s.id AS session_id, s.token_hash, s.expires_at, s.last_seen_at,
              u.id, u.role, u.name, u.email, u.tenant_id
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE ${condition} AND ${LIVE}`,
      [value],
    );
    if (!row) return null;
    if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
      await this.db.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [row.session_id]);
    }
    return {
      id: row.id,
      role: row.role,
      name: row.name,
      email: row.email,
      tenantId: row.tenant_id,
      sessionId: row.session_id,
      sessionKey: row.token_hash,
      sessionExpiresAt: row.expires_at,
    };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.end('id = $1', sessionId);
  }

  /** Ends every session of a user (a password change, a removed account). */
  async revokeAll(userId: string): Promise<void> {
    await this.end('user_id = $1', userId);
  }

  /** Deletes sessions and announces each in the same statement: committed together or not at all. */
  private async end(condition: string, value: string): Promise<void> {
    await this.db.query(
      `WITH ended AS (DELETE FROM sessions WHERE ${condition} RETURNING id)
       SELECT pg_notify('${SESSION_ENDED_CHANNEL}', id::text) FROM ended`,
      [value],
    );
  }
}

function toViewer(user: SessionUser, session: { id: string; key: string; expiresAt: Date }): Viewer {
  return {
    id: user.id,
    role: user.role,
    name: user.name,
    email: user.email,
    tenantId: user.tenantId,
    sessionId: session.id,
    sessionKey: session.key,
    sessionExpiresAt: session.expiresAt,
  };
}
