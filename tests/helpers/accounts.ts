import { randomBytes } from 'node:crypto';
import { UsersService } from '../../server/accounts/users.service';
import { ok } from './graphql';
import { LOGIN } from './operations';
import type { TestServer } from './server';

export interface NewTestUser {
  email: string;
  name: string;
  password: string;
  role: 'customer' | 'superadmin';
  tenant?: string;
}

export function createUser(server: Pick<TestServer, 'system'>, user: NewTestUser) {
  return new UsersService(server.system).add(user);
}

export interface SignedIn {
  id: string;
  email: string;
  name: string;
  password: string;
  token: string;
}

export async function signIn(server: Pick<TestServer, 'url'>, email: string, password: string): Promise<string> {
  return (await ok(server, LOGIN, { email, password })).login.token;
}

/** A new account of the given role, signed in. */
export async function signedInUser(server: TestServer, role: 'customer' | 'superadmin', tenant?: string): Promise<SignedIn> {
  const suffix = randomBytes(4).toString('hex');
  const name = role === 'customer' ? `Customer ${suffix}` : `Agent ${suffix}`;
  const email = `${role}-${suffix}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await createUser(server, { email, name, password, role, tenant: role === 'customer' ? (tenant ?? 'Acme') : undefined });
  return { id: user.id, email, name, password, token: await signIn(server, email, password) };
}
