/**
 * The web app after its connection drops (issue 7): it says it is reconnecting, retries by itself,
 * and when it is back it shows what it missed (refetch), once, and hears live events again.
 * The browser talks to the server through a TCP hop the test cuts and restores.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { freePort } from '../../server/free-port';
import { createUser, signIn } from '../helpers/accounts';
import { ensureBuilt, launchChromium } from '../helpers/browser';
import { ok } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { ops } from '../helpers/support-api';
import { TcpLink } from '../helpers/tcp-link';

jest.setTimeout(120_000);
const WAIT = 30_000;
const ARTIFACTS = path.join(__dirname, 'artifacts');

let server: TestServer;
let link: TcpLink;
let browser: Browser;
let page: Page;
let base: string;
const customer = {
  email: 'rita@acme.example',
  name: 'Rita Reconnect',
  password: 'reconnect-pass-1',
  role: 'customer' as const,
  tenant: 'Acme',
};
const admin = { email: 'lex@lex.example', name: 'Lex Team', password: 'reconnect-admin-1', role: 'superadmin' as const };

beforeAll(async () => {
  ensureBuilt('client');
  const port = await freePort();
  base = `http://localhost:${port}`;
  server = await startTestServer({ env: { PUBLIC_ORIGIN: base } });
  link = new TcpLink(port, { host: '127.0.0.1', port: Number(new URL(server.origin).port) });
  await link.open();
  await createUser(server, customer);
  await createUser(server, admin);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await link?.cut();
  await server?.close();
});

const bubbles = (text: string) => page.getByTestId('reply').filter({ hasText: text });

it('shows "Reconnecting…" while cut off, then catches up once and is live again', async () => {
  const customerToken = await signIn(server, customer.email, customer.password);
  const adminToken = await signIn(server, admin.email, admin.password);
  const ticket = (
    await ok(
      server,
      ops.createTicket,
      { input: { subject: 'Flaky train wifi', category: 'TECHNICAL', message: 'Writing from the train' } },
      customerToken,
    )
  ).createTicket;

  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: WAIT });
  await page.goto(`${base}/support/${ticket.id}`);
  await bubbles('Writing from the train').waitFor({ timeout: WAIT });
  // Live before the cut: a reply arrives without a reload.
  await ok(server, ops.replyToTicket, { input: { ticketId: ticket.id, message: 'Before the tunnel' } }, adminToken);
  await bubbles('Before the tunnel').waitFor({ timeout: WAIT });

  await link.cut();
  await page.getByText('Reconnecting…').waitFor({ timeout: WAIT });
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, '16-customer-reconnecting-1280.png') });
  await ok(server, ops.replyToTicket, { input: { ticketId: ticket.id, message: 'Written while you were in the tunnel' } }, adminToken);
  await page.waitForTimeout(1500);
  expect(await bubbles('Written while you were in the tunnel').count()).toBe(0);

  await link.restore();
  await bubbles('Written while you were in the tunnel').waitFor({ timeout: WAIT });
  await page.getByText('Reconnecting…').waitFor({ state: 'hidden', timeout: WAIT });
  expect(await bubbles('Written while you were in the tunnel').count()).toBe(1);

  // Live again on the new socket.
  await ok(server, ops.replyToTicket, { input: { ticketId: ticket.id, message: 'Out of the tunnel' } }, adminToken);
  await bubbles('Out of the tunnel').waitFor({ timeout: WAIT });
  expect(await page.getByTestId('reply').count()).toBe(4);
});
