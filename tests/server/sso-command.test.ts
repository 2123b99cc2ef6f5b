// `npm run sso -- token …` as a newcomer runs it: the link it prints signs in on a server that
// trusts the development key; in production, or with Lex's keys configured, it refuses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEVELOPMENT_SSO_ISSUER } from '../../server/config';
import { buildServer } from '../helpers/build';
import { ok } from '../helpers/graphql';
import { startTestServer, TestServer } from '../helpers/server';
import { arrive } from '../helpers/sso';
import { ops } from '../helpers/support-api';

let dataDir: string;
let server: TestServer;

beforeAll(async () => {
  buildServer();
  dataDir = mkdtempSync(path.join(tmpdir(), 'lex-sso-'));
  server = await startTestServer({
    sso: { issuer: DEVELOPMENT_SSO_ISSUER, audience: 'lex-support', keys: { kind: 'development', dataDir }, only: false },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function sso(env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SSO_') && name !== 'NODE_ENV'));
  const result = spawnSync(process.execPath, ['dist/server/auth/sso/sso.command.js', 'token', ...args], {
    env: { ...clean, DATA_DIR: dataDir, PUBLIC_ORIGIN: server.origin, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout.trim(), err: result.stderr.trim() };
}

it('prints a link that arrives signed in on /support/new, in the tenant given', async () => {
  const minted = sso(
    {},
    '--sub',
    'dev-1',
    '--role',
    'customer',
    '--tenant-id',
    't-1',
    '--tenant-name',
    'Bakkerij Dev',
    '--locale',
    'nl',
    '--return-to',
    '/support/new',
  );
  expect(minted.code).toBe(0);
  const link = new URL(minted.out);
  expect(link.origin + link.pathname).toBe(`${server.origin}/sso`);
  const result = await arrive(server, link.searchParams.get('token')!, { returnTo: link.searchParams.get('return_to')! });
  expect(result).toMatchObject({ status: 302, location: '/support/new' });
  expect((await ok(server, ops.me, {}, result.session!)).me).toMatchObject({
    email: 'dev-1@lex.example',
    role: 'CUSTOMER',
    tenant: { name: 'Bakkerij Dev' },
  });
});

it.each([
  [{ NODE_ENV: 'production' }, ['--sub', 'x', '--role', 'superadmin'], /refused in production/],
  [
    { SSO_ISSUER: 'https://lex.example', SSO_JWKS_URL: 'https://lex.example/jwks.json' },
    ['--sub', 'x', '--role', 'superadmin'],
    /SSO_\* is set/,
  ],
  [{}, ['--sub', 'x', '--role', 'customer'], /a customer needs --tenant-id and --tenant-name/],
  [{}, ['--role', 'customer'], /^Usage/],
])('refuses with %j %j', (env, args, message) => {
  const refused = sso(env, ...args);
  expect(refused.code).toBe(1);
  expect(refused.out).toBe('');
  expect(refused.err).toMatch(message);
});
