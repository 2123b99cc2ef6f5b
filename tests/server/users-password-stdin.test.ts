import { spawn } from 'node:child_process';
import { buildServer } from '../helpers/build';
import { TestDatabase, createTestDatabase } from '../helpers/database';
import { startTestServer, TestServer } from '../helpers/server';
import { graphql } from '../helpers/graphql';

// Issue 12, item 9: the `users` command takes passwords on standard input, so that they need not
// appear on its command line, which every user of the machine can read (ps).
jest.setTimeout(120_000);

let database: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  buildServer();
  database = await createTestDatabase();
  server = await startTestServer({ databaseUrl: database.url });
});
afterAll(async () => {
  await server.close();
  await database.drop();
});

/** Runs the command without blocking the test's event loop (its keep-alive connections stay usable). */
function users(input: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['dist/server/accounts/users.command.js', ...args], {
    env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: process.env.LEX_TEST_REDIS_URL },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

const signsIn = async (email: string, password: string) =>
  Boolean(
    (
      await graphql(
        server,
        `
          mutation ($e: String!, $p: String!) {
            login(email: $e, password: $p) {
              token
            }
          }
        `,
        { e: email, p: password },
      )
    ).data?.login,
  );

it('reads the password of a new user from standard input when --password is left out', async () => {
  const added = await users(
    'a secret from stdin\n',
    'add',
    '--email',
    'stdin@acme.example',
    '--name',
    'Stdin',
    '--role',
    'customer',
    '--tenant',
    'Acme',
  );
  expect(added).toMatchObject({ code: 0, out: expect.stringMatching(/Added customer stdin@acme\.example/) });
  expect(added.out).not.toMatch(/secret/);
  expect(await signsIn('stdin@acme.example', 'a secret from stdin')).toBe(true);
});

it('sets a new password from standard input, and refuses an empty one', async () => {
  expect(await users('another secret\n', 'set-password', '--email', 'stdin@acme.example')).toMatchObject({ code: 0 });
  expect(await signsIn('stdin@acme.example', 'another secret')).toBe(true);
  const empty = await users('', 'set-password', '--email', 'stdin@acme.example');
  expect(empty.code).toBe(1);
  expect(empty.err).toMatch(/the password must have at least \d+ characters/);
  expect(await signsIn('stdin@acme.example', 'another secret')).toBe(true);
});
