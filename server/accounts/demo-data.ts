import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from './user.entity';
import { UsersService } from './users.service';

const DEMO_TENANT = 'Demo Company';

/**
 * On an empty database (outside production), creates a demo tenant, customer and superadmin with
 * random passwords; returns one printable line for each account, or nothing when users exist.
 */
export async function createDemoAccounts(db: DataSource): Promise<string[]> {
  const [{ count }] = await db.query('SELECT count(*)::int AS count FROM users');
  if (count > 0) return [];
  const users = new UsersService(db);
  const accounts = [
    { role: Role.SUPERADMIN, email: 'admin@lex.example', name: 'Lex Support Team' },
    { role: Role.CUSTOMER, email: 'customer@demo.example', name: 'Dana Demo', tenant: DEMO_TENANT },
  ];
  const lines: string[] = [];
  for (const account of accounts) {
    const password = randomBytes(12).toString('base64url');
    await users.add({ ...account, password });
    lines.push(`Demo ${account.role}: email ${account.email}  password ${password}`);
  }
  return lines;
}
