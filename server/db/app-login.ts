import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_LOGIN_ROLE, APP_ROLE } from '../contract';

/**
 * The login role the server's own connections use, so that SQL run on them (a bug, an injection)
 * cannot leave row-level security: it owns nothing, is no superuser, does not bypass RLS and is
 * not a member of the tables' owner, so `SET ROLE` to the owner fails. Migrations and work that no
 * session asks for keep using DATABASE_URL's user, the owner, on connections of their own.
 *
 * Unless the operator names a role with DATABASE_APP_URL, the owner makes APP_LOGIN_ROLE itself.
 * Its password is derived from the owner's (an HMAC), so every instance and every database of the
 * cluster (roles belong to the cluster) agree on it without storing it anywhere, and only someone
 * who knows the owner's password can compute it. Without an owner password (trust or peer
 * authentication) the role gets no password and connects the way the owner does.
 */

const passwordFor = (ownerPassword: string) => createHmac('sha256', ownerPassword).update(APP_LOGIN_ROLE).digest('hex');

/** DATABASE_URL with the derived login role and its password in place of the owner's. */
export function derivedAppUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  // pg reads PGPASSWORD when the URL has none; the owner's password may come from there too.
  const ownerPassword = decodeURIComponent(url.password) || process.env.PGPASSWORD || '';
  url.username = APP_LOGIN_ROLE;
  url.password = ownerPassword ? passwordFor(ownerPassword) : '';
  return url.toString();
}

/** Creates the derived login role, or brings its password and membership up to date (as the owner). */
export async function provisionAppLogin(owner: DataSource, appUrl: string): Promise<void> {
  const password = new URL(appUrl).password; // hex: safe inside a literal
  // Several databases of one cluster may start at once: the second CREATE finds the role made.
  await owner.query(`
    DO $$ BEGIN
      CREATE ROLE ${APP_LOGIN_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  await owner.query(`ALTER ROLE ${APP_LOGIN_ROLE} LOGIN PASSWORD ${password ? `'${password}'` : 'NULL'}`);
  await owner.query(`GRANT ${APP_ROLE} TO ${APP_LOGIN_ROLE}`);
}

/** A failure to sign in as the login role: it is missing, or its password is not the derived one. */
export const isLoginRefused = (error: unknown) => ['28P01', '28000'].includes((error as { code?: string })?.code ?? '');

/** Refuses to serve on a connection that could leave row-level security. */
export async function assertConfined(app: DataSource): Promise<void> {
  const [role] = await app.query(
    `SELECT current_user AS name, r.rolsuper AS super, r.rolbypassrls AS bypass,
            pg_has_role(current_user, $1, 'USAGE') AS "appRole",
            EXISTS (SELECT FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
                       AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS "ownsTables"
       FROM pg_roles r WHERE r.rolname = current_user`,
    [APP_ROLE],
  );
  const problems = [
    role.super && 'is a superuser',
    role.bypass && 'bypasses row-level security',
    role.ownsTables && 'owns tables (or may become their owner)',
    !role.appRole && `is not a member of ${APP_ROLE} (GRANT ${APP_ROLE} TO ${role.name})`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`The server's database role ${role.name} ${problems.join(', ')}: see "Database roles" in README.md`);
}
