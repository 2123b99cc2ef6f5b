import { createUser } from '../helpers/accounts';
import { graphql } from '../helpers/graphql';
import { TestServer, startTestServer } from '../helpers/server';
import { ops } from '../helpers/support-api';

let server: TestServer;
const password = 'correct horse battery';

beforeAll(async () => {
  server = await startTestServer();
  await createUser(server, { email: 'Ann@Example.com', name: 'Ann', password, role: 'customer', tenant: 'Acme' });
});
afterAll(() => server.close());

const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email name role tenant { name } } } }`;

async function post(body: object, cookie?: string): Promise<Response> {
  return fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

it('signs in with any letter case of the email, sets an httpOnly SameSite=Lax cookie and works with it', async () => {
  const response = await post({ query: LOGIN, variables: { e: ' ann@example.COM ', p: password } });
  const body: any = await response.json();
  expect(body.data.login.user).toEqual({ email: 'Ann@Example.com', name: 'Ann', role: 'CUSTOMER', tenant: { name: 'Acme' } });
  const setCookie = response.headers.get('set-cookie')!;
  expect(setCookie).toMatch(/^lex_session=[\w-]+;/);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  expect(setCookie).toContain(body.data.login.token);

  const cookie = setCookie.split(';')[0];
  const me: any = await (await post({ query: ops.me }, cookie)).json();
  expect(me.data.me.name).toBe('Ann');
});

it('stores only a hash of the session token, with an expiry', async () => {
  const { data } = await graphql(server, LOGIN, { e: 'ann@example.com', p: password });
  const rows = await server.sql('SELECT token_hash, expires_at FROM sessions');
  expect(rows.some((r: { token_hash: string }) => r.token_hash.includes(data!.login.token))).toBe(false);
  expect(rows.every((r: { expires_at: Date }) => r.expires_at.getTime() > Date.now())).toBe(true);
});

it('gives the same answer for an unknown email and a wrong password', async () => {
  const unknown = await graphql(server, LOGIN, { e: 'nobody@example.com', p: password });
  const wrong = await graphql(server, LOGIN, { e: 'ann@example.com', p: 'wrong password' });
  expect(unknown.errors).toEqual(wrong.errors);
  expect(unknown.errors![0]).toMatchObject({ message: 'Email or password is incorrect', extensions: { code: 'UNAUTHENTICATED' } });
});

it('issues a new token at every sign-in and revokes it at logout, for Bearer and cookie alike', async () => {
  const first = (await graphql(server, LOGIN, { e: 'ann@example.com', p: password })).data!.login.token;
  const second = (await graphql(server, LOGIN, { e: 'ann@example.com', p: password })).data!.login.token;
  expect(first).not.toBe(second);

  const logout = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${first}` },
    body: JSON.stringify({ query: 'mutation { logout }' }),
  });
  expect(((await logout.json()) as any).data.logout).toBe(true);
  expect(logout.headers.get('set-cookie')).toMatch(/lex_session=;.*Expires=Thu, 01 Jan 1970/);
  expect((await graphql(server, ops.me, {}, first)).data!.me).toBeNull();
  expect((await post({ query: ops.me }, `lex_session=${first}`)).ok).toBe(true);
  expect(((await (await post({ query: ops.me }, `lex_session=${first}`)).json()) as any).data.me).toBeNull();
  // The other session lives on.
  expect((await graphql(server, ops.me, {}, second)).data!.me!.name).toBe('Ann');
});

it('treats an expired session as signed out', async () => {
  const token = (await graphql(server, LOGIN, { e: 'ann@example.com', p: password })).data!.login.token;
  await server.sql(`UPDATE sessions SET last_seen_at = now() - interval '2 days'`);
  expect((await graphql(server, ops.me, {}, token)).data!.me).toBeNull();
  expect((await graphql(server, ops.myTickets, {}, token)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
});
