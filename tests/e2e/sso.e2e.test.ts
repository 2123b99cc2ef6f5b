/**
 * Sign-in from Lex in real headless Chromium: a link with a token Lex signed lands on
 * /support/new signed in, one redirect, no password; the same link again shows the refusal page
 * in the browser's language. Screenshots at 1280 px and 375 px go to tests/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { ensureBuilt, launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { customerClaims, LexKey, lexKey, mint, ssoWithPublicKey } from '../helpers/sso';

jest.setTimeout(120_000);

const ARTIFACTS = path.join(__dirname, 'artifacts');
const WAIT = 15_000;

let lex: LexKey;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt('client');
  mkdirSync(ARTIFACTS, { recursive: true });
  lex = await lexKey();
  server = await startTestServer({ sso: ssoWithPublicKey(lex) });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shot(page: Page, name: string) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
}

it('arrives from Lex on /support/new signed in, in Dutch, opens a ticket, switches to English; the same link again is refused in Dutch', async () => {
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await context.newPage();
  const claims = customerClaims({ locale: 'nl' });
  const link = `${server.origin}/sso?${new URLSearchParams({ token: await mint(lex, claims), return_to: '/support/new' })}`;

  const redirects: string[] = [];
  page.on('request', (request) => request.redirectedFrom() && redirects.push(request.url()));
  await page.goto(link);
  // Lex's locale claim: the app speaks Dutch at once.
  await page.getByLabel('Onderwerp').waitFor({ timeout: WAIT });
  expect(new URL(page.url()).pathname).toBe('/support/new');
  expect(redirects).toEqual([`${server.origin}/support/new`]);
  expect(await page.getAttribute('html', 'lang')).toBe('nl');
  await page.getByRole('button', { name: 'Uitloggen' }).waitFor({ timeout: WAIT });
  await shot(page, 'sso-arrived-nl');

  await page.getByLabel('Onderwerp').fill('Loonstrook van november ontbreekt');
  await page.getByLabel('Categorie').selectOption({ label: 'Technisch' });
  await page.getByLabel('Bericht').fill('In Lex zie ik de loonstrook van november niet staan.');
  await page.getByRole('button', { name: 'Ticket aanmaken' }).click();
  await page.getByRole('heading', { name: 'Loonstrook van november ontbreekt' }).waitFor({ timeout: WAIT });
  await page.getByText('Open', { exact: true }).first().waitFor({ timeout: WAIT });

  await page.getByLabel('Taal').selectOption('en');
  await page.getByRole('button', { name: 'Close ticket' }).waitFor({ timeout: WAIT });
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  const [{ locale }] = await server.sql(`SELECT locale FROM users WHERE email = $1`, [claims.email]);
  expect(locale).toBe('en');
  await shot(page, 'sso-ticket-en');

  const again = await page.goto(link);
  expect(again?.status()).toBe(401);
  await page.getByText('Deze inloglink is al gebruikt.').waitFor({ timeout: WAIT });
  expect(await page.getAttribute('html', 'lang')).toBe('nl');
  await shot(page, 'sso-refused-nl');
  await context.close();
});
