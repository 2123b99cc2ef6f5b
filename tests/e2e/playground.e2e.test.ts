/**
 * The self-hosted GraphQL playground in real headless Chromium: it loads with every request going
 * to the test server (nothing leaves the machine), signs in with the login mutation (the session
 * cookie), runs a query and a live subscription as that user.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { briefOps } from '../helpers/operations';
import { ensureBuilt, launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(180_000);

const ARTIFACTS = path.join(__dirname, 'artifacts');
const WAIT = 20_000;

/** The response pane's text (Monaco draws spaces as no-break spaces). */
async function responseText(page: Page): Promise<string> {
  const text = await page.locator('.graphiql-response .view-lines').first().innerText();
  return text.replace(/\u00a0/g, ' ');
}

async function waitForResponseText(page: Page, pattern: RegExp) {
  const deadline = Date.now() + WAIT;
  let last = '';
  while (Date.now() < deadline) {
    last = await responseText(page).catch(() => '');
    if (pattern.test(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`the response pane never matched ${pattern}; it shows: ${last}`);
}

/** Opens the playground with an operation in its editor, as a shared link would. */
async function open(page: Page, base: string, query: string, variables?: object) {
  const params = new URLSearchParams({ query });
  if (variables) params.set('variables', JSON.stringify(variables));
  await page.goto(`${base}/graphql?${params}`);
  await page.getByRole('button', { name: /Execute query/ }).waitFor({ timeout: WAIT });
  // The editor is ready once it shows the operation.
  await page
    .locator('.graphiql-query-editor .view-lines')
    .filter({ hasText: query.split(/\s+/)[0] })
    .first()
    .waitFor({ timeout: WAIT });
}

describe('the GraphQL playground in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];
  const leftTheMachine: string[] = [];
  const pageErrors: string[] = [];
  const customer = {
    email: 'pia@acme.example',
    name: 'Pia Playground',
    password: 'playground-pass-1',
    role: 'customer' as const,
    tenant: 'Acme',
  };
  const admin = { email: 'max@lex.example', name: 'Max Lex', password: 'playground-admin-1', role: 'superadmin' as const };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureBuilt('playground');
    server = await startTestServer();
    await createUser(server, customer);
    await createUser(server, admin);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const local = (url: string) =>
      url.startsWith(`${server.origin}/`) ||
      url.startsWith(`${server.wsUrl}`) ||
      url.startsWith('data:') ||
      url.startsWith(`blob:${server.origin}/`);
    // Every request of every page and worker is recorded; anything not for the test server is refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requested.push(url);
      if (local(url)) return route.continue();
      leftTheMachine.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('request', (request) => requested.push(request.url()));
    context.on('weberror', (error) => pageErrors.push(error.error().message));
    page = await context.newPage();
    page.on('websocket', (socket) => {
      requested.push(socket.url());
      if (!local(socket.url())) leftTheMachine.push(socket.url());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads GraphiQL from the server alone', async () => {
    const response = await page.goto(`${server.origin}/graphql`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/text\/html/);
    await page.getByRole('button', { name: /Execute query/ }).waitFor({ timeout: WAIT });
    await page
      .locator('.graphiql-query-editor .view-lines')
      .filter({ hasText: 'Lex Support GraphQL playground' })
      .waitFor({ timeout: WAIT });
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-01-loaded.png') });
    expect(requested.some((url) => url.includes('/playground/assets/'))).toBe(true);
    expect(leftTheMachine).toEqual([]);
  });

  it('signs in with the login mutation: the session cookie is set', async () => {
    await open(
      page,
      server.origin,
      'mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { user { name role } } }',
      {
        email: customer.email,
        password: customer.password,
      },
    );
    const loggedIn = page.waitForResponse(
      (r) => r.url() === server.url && r.request().method() === 'POST' && /login/.test(r.request().postData() ?? ''),
    );
    await page.getByRole('button', { name: /Execute query/ }).click();
    expect((await loggedIn).status()).toBe(200);
    await waitForResponseText(page, /"name": "Pia Playground"/);
    const cookies = await context.cookies(server.origin);
    expect(cookies.map((c) => c.name)).toContain('lex_session');
    expect(cookies.find((c) => c.name === 'lex_session')?.httpOnly).toBe(true);
  });

  it('runs a query as the signed-in user', async () => {
    await open(page, server.origin, 'query Me { me { name email role } myTickets { totalCount } }');
    await page.getByRole('button', { name: /Execute query/ }).click();
    const text = await waitForResponseText(page, /"email": "pia@acme.example"/);
    expect(text).toMatch(/"role": "CUSTOMER"/);
    expect(text).toMatch(/"totalCount": 0/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-02-query.png') });
  });

  it('runs a subscription over graphql-ws as the signed-in user and shows each change', async () => {
    // A ticket of hers, answered by the Lex team while the subscription runs.
    const customerToken = await signIn(server, customer.email, customer.password);
    const { createTicket } = await ok(
      server,
      briefOps.createTicket,
      { input: { subject: 'Playground question', category: 'TECHNICAL', message: 'Hello from the playground test' } },
      customerToken,
    );
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));

    await open(page, server.origin, 'subscription Badge { supportBadge }');
    await page.getByRole('button', { name: /Execute query/ }).click();
    await waitForResponseText(page, /"supportBadge": 0/);
    expect(sockets).toEqual([server.wsUrl]);

    const adminToken = await signIn(server, admin.email, admin.password);
    await ok(server, briefOps.replyToTicket, { input: { ticketId: createTicket.id, message: 'Answered from the Lex team' } }, adminToken);
    await waitForResponseText(page, /"supportBadge": 1/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-03-subscription.png') });
  });

  it('sent no request anywhere but the test server, and the page raised no error', () => {
    expect(requested.length).toBeGreaterThan(5);
    expect(leftTheMachine).toEqual([]);
    const foreign = requested.filter(
      (url) => !url.startsWith(server.origin) && !url.startsWith(server.wsUrl) && !url.startsWith('data:') && !url.startsWith('blob:'),
    );
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
