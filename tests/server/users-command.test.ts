import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { buildServer } from '../helpers/build';
import { signIn } from '../helpers/accounts';
import { TestDatabase, createTestDatabase } from '../helpers/database';
import { graphql, subscribe, wsClient } from '../helpers/graphql';
import { subscriptions } from '../helpers/operations';
import { startTestServer } from '../helpers/server';

// `npm run users -- …` as an operator runs it, against the same DATABASE_URL as the server.
let database: TestDatabase;
beforeAll(async () => {
  buildServer();
  database = await createTestDatabase();
});
afterAll(() => database.drop());

function users(...args: string[]) {
  const result = spawnSync(process.execPath, ['dist/server/accounts/users.command.js', ...args], {
    env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: process.env.LEX_TEST_REDIS_URL },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

async function query(sql: string, params: unknown[] = []) {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

it('adds a customer and creates their tenant when it does not exist yet', () => {
  const added = users(
    'add',
    '--email',
    'eve@acme.example',
    '--name',
    'Eve',
    '--password',
    'long enough',
    '--role',
    'customer',
    '--tenant',
    'Acme BV',
  );
  expect(added).toMatchObject({ code: 0, out: 'Added customer eve@acme.example\n' });
  expect(
    users('add', '--email', 'finn@acme.example', '--name', 'Finn', '--password', 'long enough', '--role', 'customer', '--tenant', 'acme bv')
      .code,
  ).toBe(0);
  expect(users('add', '--email', 'root@lex.example', '--name', 'Root', '--password', 'long enough', '--role', 'superadmin').code).toBe(0);
});

it('keeps one tenant per name and stores no plain password', async () => {
  expect(await query('SELECT name FROM tenants')).toEqual([{ name: 'Acme BV' }]);
  const [row] = await query(`SELECT password_hash FROM users WHERE email = 'eve@acme.example'`);
  expect(row.password_hash).toMatch(/^\$argon2id\$/);
});

it.each([
  [
    ['add', '--email', 'EVE@acme.example', '--name', 'Eve 2', '--password', 'long enough', '--role', 'customer', '--tenant', 'Acme BV'],
    /exists already/,
  ],
  [
    ['add', '--email', 'x@acme.example', '--name', 'X', '--password', 'long enough', '--role', 'admin', '--tenant', 'Acme BV'],
    /role must be customer or superadmin/,
  ],
  [['add', '--email', 'y@acme.example', '--name', 'Y', '--password', 'long enough', '--role', 'customer'], /customer needs --tenant/],
  [['add', '--email', 'not-an-email', '--name', 'Z', '--password', 'long enough', '--role', 'superadmin'], /not an email address/],
  [['add', '--email', 'short@acme.example', '--name', 'S', '--password', 'short', '--role', 'superadmin'], /at least 8 characters/],
  [['add', '--email', 'nameless@acme.example', '--password', 'long enough', '--role', 'superadmin'], /needs --name/],
  [['set-password', '--email', 'ghost@acme.example', '--password', 'long enough'], /no user with the email/],
  [['frobnicate'], /Usage: npm run users/],
])('refuses %j with a clear message', async (args, message) => {
  const before = await query('SELECT count(*)::int AS n FROM users');
  const result = users(...args);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(message);
  expect(result.err).not.toMatch(/at .*\.js:\d+/);
  expect(await query('SELECT count(*)::int AS n FROM users')).toEqual(before);
});

it('lists users with their tenant', () => {
  const { code, out } = users('list');
  expect(code).toBe(0);
  expect(out).toMatch(/eve@acme\.example.*Acme BV/);
  expect(out).toMatch(/root@lex\.example.*superadmin/);
});

it('sets a new password and ends every session of the user', async () => {
  const [{ id }] = await query(`SELECT id FROM users WHERE email = 'eve@acme.example'`);
  await query(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, 'x', now() + interval '1 day')`, [id]);
  const before = (await query(`SELECT password_hash FROM users WHERE id = $1`, [id]))[0].password_hash;
  expect(users('set-password', '--email', 'eve@acme.example', '--password', 'another one').code).toBe(0);
  expect((await query(`SELECT password_hash FROM users WHERE id = $1`, [id]))[0].password_hash).not.toBe(before);
  expect(await query(`SELECT * FROM sessions WHERE user_id = $1`, [id])).toEqual([]);
});

it('ends the open sockets of a user whose password changed, on a running server', async () => {
  const server = await startTestServer({ databaseUrl: database.url, redis: true });
  try {
    const token = await signIn(server, 'eve@acme.example', 'another one');
    const subscription = subscribe(wsClient(server, token), subscriptions.supportBadge);
    await subscription.waitFor(1);
    expect(users('set-password', '--email', 'eve@acme.example', '--password', 'a third one').code).toBe(0);
    expect(await subscription.ended).toMatchObject({ code: 4403 });
    expect((await graphql(server, '{ me { id } }', {}, token)).data!.me).toBeNull();
  } finally {
    await server.close();
  }
});

it('removes a user', async () => {
  expect(users('remove', '--email', 'finn@acme.example').code).toBe(0);
  expect(await query(`SELECT * FROM users WHERE email = 'finn@acme.example'`)).toEqual([]);
});
