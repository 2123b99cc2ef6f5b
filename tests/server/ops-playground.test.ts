/**
 * GET /graphql from a browser serves the playground; GraphQL clients still reach the API there.
 * In production the playground and introspection are for signed-in users only.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signedInUser } from '../helpers/accounts';
import { graphql } from '../helpers/graphql';
import { startTestServer, TestServer } from '../helpers/server';

jest.setTimeout(30_000);

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const PAGE = '<!doctype html><title>playground</title><script type="module" src="/playground/assets/main-abc.js"></script>';
const INTROSPECTION = '{ __schema { queryType { name } } }';

// A stand-in for dist/playground beside a web app folder (the real build is tested in Chromium).
const root = mkdtempSync(path.join(tmpdir(), 'lex-playground-'));
mkdirSync(path.join(root, 'client'));
mkdirSync(path.join(root, 'playground/assets'), { recursive: true });
writeFileSync(path.join(root, 'client/index.html'), '<!doctype html><title>web app</title>');
writeFileSync(path.join(root, 'playground/index.html'), PAGE);
writeFileSync(path.join(root, 'playground/assets/main-abc.js'), 'console.log("playground")');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const page = (server: TestServer, headers: Record<string, string> = {}) =>
  fetch(`${server.origin}/graphql`, { headers: { accept: BROWSER_ACCEPT, ...headers }, redirect: 'manual' });

describe('outside production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CLIENT_DIR: path.join(root, 'client') } });
  });
  afterAll(() => server?.close());

  it('serves the playground to a browser at GET /graphql, with a policy that keeps it on this server', async () => {
    const response = await page(server);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(response.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    expect(await response.text()).toBe(PAGE);
    const asset = await fetch(`${server.origin}/playground/assets/main-abc.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('a missing playground file is a 404, not the web app', async () => {
    const missing = await fetch(`${server.origin}/playground/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toMatch(/web app/);
  });

  it('GraphQL clients still get the API at /graphql (GET with JSON, POST)', async () => {
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { me: null } });
    expect((await graphql(server, '{ me { id } }')).data).toEqual({ me: null });
  });

  it("without a playground build, a browser is told to build it, never sent Apollo's CDN-loaded landing page", async () => {
    const unbuilt = await startTestServer({ env: { CLIENT_DIR: path.join(root, 'elsewhere/client') } });
    try {
      const response = await page(unbuilt);
      expect(response.status).toBe(404);
      const body = await response.text();
      expect(body).toMatch(/npm run build:playground/);
      expect(body).not.toMatch(/<script|cdn|apollo/i);
    } finally {
      await unbuilt.close();
    }
  });

  it('introspection works for anyone', async () => {
    const result = await graphql(server, INTROSPECTION);
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('in production', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'production', CLIENT_DIR: path.join(root, 'client') } });
    token = (await signedInUser(server, 'customer')).token;
  });
  afterAll(() => server?.close());

  it('an anonymous browser gets a "sign in first" page, not the playground nor its files', async () => {
    const response = await page(server);
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toMatch(/Sign in first/);
    expect(html).not.toMatch(/<script/);
    expect((await fetch(`${server.origin}/playground/assets/main-abc.js`)).status).toBe(404);
  });

  it('a signed-in browser (session cookie) gets the playground and its files', async () => {
    const cookie = `lex_session=${token}`;
    const response = await page(server, { cookie });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(PAGE);
    expect((await fetch(`${server.origin}/playground/assets/main-abc.js`, { headers: { cookie } })).status).toBe(200);
  });

  it('an ended session is anonymous again', async () => {
    const { token: other } = await signedInUser(server, 'customer');
    await graphql(server, 'mutation { logout }', {}, other);
    expect((await page(server, { cookie: `lex_session=${other}` })).status).toBe(401);
  });

  it('refuses introspection to anonymous callers (UNAUTHENTICATED), over GET and POST', async () => {
    const post = await graphql(server, INTROSPECTION);
    expect(post.data ?? null).toBeNull();
    expect(post.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const typeQuery = await graphql(server, '{ __type(name: "SupportTicket") { fields { name } } }');
    expect(typeQuery.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const hidden = await graphql(server, 'query { ...F } fragment F on Query { __schema { types { name } } }');
    expect(hidden.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const get = await fetch(`${server.url}?query=${encodeURIComponent(INTROSPECTION)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('__typename is not introspection, and ordinary anonymous operations still work', async () => {
    expect((await graphql(server, '{ __typename me { id } }')).data).toEqual({ __typename: 'Query', me: null });
  });

  it('gives signed-in users introspection', async () => {
    const result = await graphql(server, INTROSPECTION, {}, token);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
