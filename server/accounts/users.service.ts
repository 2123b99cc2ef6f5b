import { DataSource } from 'typeorm';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { SessionService } from '../auth/session.service';
import { emailMatches, normalizeEmail } from './email';
import { UsageError } from '../errors';
import { Role, User } from './user.entity';

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: string;
  tenant?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Accounts as the `users` command and the demo data create them. */
export class UsersService {
  constructor(
    private readonly db: DataSource,
    private readonly sessions = new SessionService(db),
  ) {}

  async add({ email, name, password, role, tenant }: NewUser): Promise<User> {
    email = normalizeEmail(email);
    name = name.trim();
    tenant = tenant?.trim();
    if (!EMAIL.test(email)) throw new UsageError(`"${email}" is not an email address`);
    if (!name || name.length > 200) throw new UsageError('name must be 1 to 200 characters');
    if (role !== Role.CUSTOMER && role !== Role.SUPERADMIN) throw new UsageError(`role must be customer or superadmin, not "${role}"`);
    if (role === Role.CUSTOMER && !tenant) throw new UsageError('a customer needs --tenant "Company"');
    if (role === Role.SUPERADMIN && tenant) throw new UsageError('a superadmin belongs to no tenant: leave out --tenant');
    checkPassword(password);

    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (manager) => {
      const [existing] = await manager.query(`SELECT 1 FROM users WHERE ${emailMatches('email', '$1')}`, [email]);
      if (existing) throw new UsageError(`a user with the email ${email} exists already`);
      let tenantId: string | null = null;
      if (tenant) {
        await manager.query('INSERT INTO tenants (name) VALUES ($1) ON CONFLICT DO NOTHING', [tenant]);
        [{ id: tenantId }] = await manager.query('SELECT id FROM tenants WHERE lower(name) = lower($1)', [tenant]);
      }
      const user = manager.create(User, { email, name, role, tenantId, passwordHash });
      return manager.save(user);
    });
  }

  list(): Promise<(User & { tenantName: string | null })[]> {
    return this.db.query(
      `SELECT u.email, u.name, u.role, t.name AS "tenantName", u.created_at AS "createdAt"
         FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id ORDER BY u.role DESC, t.name, u.email`,
    );
  }

  /** A new password also ends every session of the user. */
  async setPassword(email: string, password: string): Promise<void> {
    checkPassword(password);
    const user = await this.find(email);
    await this.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, await hashPassword(password)]);
    await this.sessions.revokeAll(user.id);
  }

  /** Removes the user with their sessions and tickets. */
  async remove(email: string): Promise<void> {
    const user = await this.find(email);
    await this.sessions.revokeAll(user.id);
    await this.db.query('DELETE FROM users WHERE id = $1', [user.id]);
  }

  private async find(email: string): Promise<User> {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .where(emailMatches('u.email', ':email'), { email: normalizeEmail(email) })
      .getOne();
    if (!user) throw new UsageError(`there is no user with the email ${email}`);
    return user;
  }
}

function checkPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
}
