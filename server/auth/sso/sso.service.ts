import { errors, JWTPayload, jwtVerify } from 'jose';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../../accounts/user.entity';
import type { SsoConfig } from '../../config';
import { NO_PASSWORD } from '../passwords';
import { SessionService, SessionUser } from '../session.service';
import { JtiReplayGuard } from './jti-replay';
import { Locale, isLocale } from '../../i18n';
import { SsoRefusalReason } from './sso-page';
import { SsoVerificationKey } from './sso-keys';

/** Real tokens from Lex are well under 2 KB; anything far larger is refused before it is parsed. */
export const MAX_TOKEN_LENGTH = 8192;
/** Asymmetric algorithms only: never `none`, never an HMAC that a public key could be the secret of. */
export const SSO_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'];
/** A token may live at most this long (its `exp` at most this far ahead). */
export const MAX_TOKEN_LIFETIME_S = 300;
/** Tolerated difference between Lex's clock and ours. */
const CLOCK_SKEW_S = 30;

/** A refused sign-in: `reason` is what the person is told, `detail` what the log gets. */
export class SsoRefusal extends Error {
  constructor(
    readonly reason: SsoRefusalReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The claims of a sign-in token from Lex, checked. */
export interface SsoClaims {
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
  sub: string;
  email: string;
  name: string;
  role: Role;
  /** Customers only. */
  tenant: { id: string; name: string } | null;
  locale?: Locale;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NAME_LENGTH = 200;
/** Short enough that a tenant name with Lex's id after it still fits. */
const MAX_ID_LENGTH = 100;

/** Sign-in from Lex: a token in, a session out, with the user and tenant brought up to date on the way. */
export class SsoService {
  constructor(
    private readonly db: DataSource,
    private readonly sessions: SessionService,
    private readonly config: Pick<SsoConfig, 'issuer' | 'audience'>,
    private readonly key: SsoVerificationKey,
    private readonly replays: JtiReplayGuard,
  ) {}

  /** The token of a new session for the Lex user `token` names, or an SsoRefusal. */
  async signIn(token: string): Promise<string> {
    const claims = await this.verify(token);
    // Remembered a little past the token's expiry: after that, the expiry alone refuses it.
    const rememberMs = (claims.exp + CLOCK_SKEW_S) * 1000 - Date.now();
    const [firstUse, upToDate] = await Promise.all([
      this.replays.firstUse(claims.jti, rememberMs).catch((error: Error) => {
        throw new SsoRefusal('unavailable', `replay check failed: ${error.message}`);
      }),
      // Read while Redis answers: it writes nothing, and most people's details did not change.
      this.upToDateUser(claims),
    ]);
    if (!firstUse) throw new SsoRefusal('replayed', 'jti seen before');
    const { user, retiredUserId } = upToDate ? { user: upToDate } : await this.provision(claims);
    if (retiredUserId) await this.sessions.revokeAll(retiredUserId);
    return (await this.sessions.start(user)).token;
  }

  /** The checked claims of a token, or a refusal; nothing is written. */
  private async verify(token: string): Promise<SsoClaims> {
    if (!token) throw new SsoRefusal('invalid', 'no token');
    if (token.length > MAX_TOKEN_LENGTH) throw new SsoRefusal('invalid', `token of ${token.length} characters`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as Parameters<typeof jwtVerify>[1], {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: SSO_ALGORITHMS,
        requiredClaims: ['exp', 'jti', 'sub'],
        clockTolerance: CLOCK_SKEW_S,
      }));
    } catch (error) {
      throw refusalOf(error);
    }
    if (payload.exp! - Date.now() / 1000 > MAX_TOKEN_LIFETIME_S + CLOCK_SKEW_S) {
      throw new SsoRefusal('invalid', `exp more than ${MAX_TOKEN_LIFETIME_S} s ahead`);
    }
    return parseClaims(payload);
  }

  /** The user of `claims` when everything the token says is already stored, else undefined. */
  private async upToDateUser(claims: SsoClaims): Promise<SessionUser | undefined> {
    const [user]: SessionUser[] = await this.db.query(
      `SELECT u.id, u.email, u.name, u.role, u.tenant_id AS "tenantId"
         FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id
        WHERE u.external_id = $1 AND u.email = $2 AND u.name = $3 AND u.role = $4
          AND t.external_id IS NOT DISTINCT FROM $5 AND t.name IS NOT DISTINCT FROM $6
          AND ($7::text IS NULL OR u.locale = $7)`,
      [claims.sub, claims.email, claims.name, claims.role, claims.tenant?.id ?? null, claims.tenant?.name ?? null, claims.locale ?? null],
    );
    return user;
  }

  /**
   * Creates or updates the user (by Lex's `sub`) and their tenant (by Lex's `tenant_id`). Rules:
   * - an email is never how a Lex user is found: a changed email updates the same user, and an
   *   email that another account here holds (a password account, another Lex user) is a conflict;
   * - a customer who moved to another company in Lex (or joined the Lex team) gets a fresh account;
   *   the old one keeps its tickets in the old tenant, loses its Lex id and email, and is signed out
   *   (docs/architecture.md §4).
   */
  private provision(claims: SsoClaims): Promise<{ user: SessionUser; retiredUserId?: string }> {
    return this.db.transaction(async (manager) => {
      // One sign-in per Lex user (and per Lex tenant) at a time: two tabs never create two accounts.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('sso:user:' || $1, 0))`, [claims.sub]);
      const tenantId = claims.tenant ? await this.tenantFor(manager, claims.tenant) : null;
      let [existing]: (Pick<SessionUser, 'id' | 'role' | 'tenantId'> | undefined)[] = await manager.query(
        `SELECT id, role, tenant_id AS "tenantId" FROM users WHERE external_id = $1`,
        [claims.sub],
      );
      const [emailHolder] = await manager.query(`SELECT id FROM users WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2`, [
        claims.email,
        existing?.id ?? null,
      ]);
      if (emailHolder) throw new SsoRefusal('conflict', 'email held by another account');

      let retiredUserId: string | undefined;
      // A customer's tickets belong to their company: leaving it (for another one, or for the Lex team) leaves them there.
      if (existing?.role === Role.CUSTOMER && existing.tenantId !== tenantId) {
        await manager.query(`UPDATE users SET external_id = NULL, email = id || '@moved.invalid' WHERE id = $1`, [existing.id]);
        retiredUserId = existing.id;
        existing = undefined;
      }
      // Lex's `locale` claim is the person's language there; without one, a choice made here stays.
      const values = [claims.sub, claims.email, claims.name, claims.role, tenantId, claims.locale ?? null];
      const returning = `RETURNING id, email, name, role, tenant_id AS "tenantId"`;
      let user: SessionUser;
      if (existing) {
        // TypeORM answers an UPDATE with [rows, rowCount].
        [[user]] = await manager.query(
          `UPDATE users SET email = $2, name = $3, role = $4, tenant_id = $5, locale = coalesce($6, locale) WHERE external_id = $1 ${returning}`,
          values,
        );
      } else {
        [user] = await manager.query(
          `INSERT INTO users (external_id, email, name, role, tenant_id, locale, password_hash) VALUES ($1, $2, $3, $4, $5, coalesce($6, 'en'), $7) ${returning}`,
          [...values, NO_PASSWORD],
        );
      }
      return { user, retiredUserId };
    });
  }

  /**
   * The tenant of Lex's company, renamed when Lex renamed it. Names are not identities: a company
   * whose name another tenant here holds gets Lex's id after its name instead of joining that tenant.
   */
  private async tenantFor(manager: EntityManager, tenant: { id: string; name: string }): Promise<string> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('sso:tenant:' || $1, 0))`, [tenant.id]);
    const [known] = await manager.query(`SELECT id FROM tenants WHERE external_id = $1`, [tenant.id]);
    const [taken] = await manager.query(`SELECT 1 FROM tenants WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2`, [
      tenant.name,
      known?.id ?? null,
    ]);
    const suffix = ` (Lex ${tenant.id})`;
    const name = taken ? tenant.name.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix : tenant.name;
    if (known) {
      await manager.query(`UPDATE tenants SET name = $2 WHERE id = $1 AND name <> $2`, [known.id, name]);
      return known.id;
    }
    const [created] = await manager.query(`INSERT INTO tenants (external_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id`, [
      tenant.id,
      name,
    ]);
    // Another company took the name at this very moment: a second try will find it.
    if (!created) throw new SsoRefusal('unavailable', 'tenant name taken concurrently');
    return created.id;
  }
}

function refusalOf(error: unknown): SsoRefusal {
  if (error instanceof errors.JWTExpired) return new SsoRefusal('expired', 'token expired');
  // Lex's key set could not be fetched: not the token's fault.
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC') {
    return new SsoRefusal('unavailable', `keys unavailable: ${(error as Error).message}`);
  }
  return new SsoRefusal('invalid', `${error.code}: ${error.message}`);
}

function text(payload: JWTPayload, claim: string, maxLength: number): string {
  const value = payload[claim];
  if (typeof value !== 'string' || !value.trim() || value.length > maxLength)
    throw new SsoRefusal('invalid', `claim ${claim} missing or malformed`);
  return value.trim();
}

function parseClaims(payload: JWTPayload): SsoClaims {
  const role = payload.role;
  if (role !== Role.CUSTOMER && role !== Role.SUPERADMIN) throw new SsoRefusal('invalid', 'claim role is not customer or superadmin');
  const email = text(payload, 'email', 254);
  if (!EMAIL.test(email)) throw new SsoRefusal('invalid', 'claim email is not an email address');
  const locale = isLocale(payload.locale) ? payload.locale : undefined;
  return {
    jti: text(payload, 'jti', MAX_ID_LENGTH),
    exp: payload.exp!,
    sub: text(payload, 'sub', MAX_ID_LENGTH),
    email,
    name: text(payload, 'name', MAX_NAME_LENGTH),
    role,
    // Superadmins belong to no tenant, whatever the token says.
    tenant:
      role === Role.CUSTOMER
        ? { id: text(payload, 'tenant_id', MAX_ID_LENGTH), name: text(payload, 'tenant_name', MAX_NAME_LENGTH) }
        : null,
    locale,
  };
}
