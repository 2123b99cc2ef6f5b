/**
 * English and Dutch in real Chromium against the real server: a customer switches to Dutch, sees the
 * fixed Dutch words, reloads and stays Dutch (saved on the account); a Dutch browser gets a Dutch
 * sign-in page. Screenshots in both languages at 1280 px and 375 px go to tests/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { createUser, signIn as signInApi } from '../helpers/accounts';
import { ensureBuilt, launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

jest.setTimeout(180_000);

const ARTIFACTS = path.join(__dirname, 'artifacts');
const WAIT = 15_000;

async function shot(page: Page, name: string): Promise<void> {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const htmlLang = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang);

describe('Lex Support in English and Dutch', () => {
  let server: TestServer;
  let browser: Browser;
  let base: string;
  const pageErrors: string[] = [];
  const customer = {
    email: 'ella@acme-legal.example',
    name: 'Ella Jansen',
    password: 'customer-pass-1',
    role: 'customer' as const,
    tenant: 'Acme Legal',
  };
  const admin = { email: 'sam@lex.example', name: 'Sam Lex', password: 'admin-pass-123', role: 'superadmin' as const };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureBuilt('client');
    server = await startTestServer();
    base = server.origin;
    for (const person of [customer, admin]) await createUser(server, person);
    // One ticket in each status, so that every Dutch status label shows.
    const desk = api(server);
    const customerToken = await signInApi(server, customer.email, customer.password);
    const adminToken = await signInApi(server, admin.email, admin.password);
    const closed = await desk.createTicket(customerToken, { subject: 'Factuur van maart klopt niet', category: 'BILLING' });
    await desk.close(customerToken, closed.id);
    const answered = await desk.createTicket(customerToken, { subject: 'Hoeveel verlofuren volgens de cao?', category: 'CAO_RELATED' });
    await desk.reply(adminToken, answered.id, 'Dat hangt af van je contract; ik zoek het voor je uit.');
    const inProgress = await desk.createTicket(customerToken, { subject: 'Export naar pdf blijft leeg', category: 'TECHNICAL' });
    await desk.setStatus(adminToken, inProgress.id, 'IN_PROGRESS');
    await desk.createTicket(customerToken, { subject: 'Hoe voeg ik een collega toe?', category: 'LEX_QUESTION' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('switches to Dutch, shows the fixed Dutch words, and stays Dutch after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));

    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(customer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'New ticket' }).waitFor({ timeout: WAIT });
    expect(await htmlLang(page)).toBe('en');
    await page.getByTestId('ticket-card').nth(3).waitFor({ timeout: WAIT });
    await shot(page, 'lang-en-tickets');

    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('link', { name: 'Nieuw ticket' }).waitFor({ timeout: WAIT });
    for (const status of ['Open', 'In behandeling', 'Beantwoord', 'Gesloten']) {
      await page
        .locator('.status__label', { hasText: new RegExp(`^${status}$`) })
        .first()
        .waitFor({ timeout: WAIT });
    }
    await page.getByText('Cao-gerelateerd').waitFor({ timeout: WAIT });
    expect(await htmlLang(page)).toBe('nl');
    await shot(page, 'lang-nl-tickets');

    await page.reload();
    await page.getByRole('link', { name: 'Nieuw ticket' }).waitFor({ timeout: WAIT });
    expect(await htmlLang(page)).toBe('nl');
    expect(await page.getByLabel('Taal').inputValue()).toBe('nl');

    await page.getByRole('link', { name: /Hoeveel verlofuren/ }).click();
    await page.getByRole('button', { name: 'Versturen' }).waitFor({ timeout: WAIT });
    await page.getByText('Laatst bijgewerkt').waitFor({ timeout: WAIT });
    await shot(page, 'lang-nl-ticket');

    await page.getByRole('link', { name: '← Je tickets' }).click();
    await page.getByRole('link', { name: 'Nieuw ticket' }).click();
    await page.getByRole('button', { name: 'Ticket aanmaken' }).click();
    await page.getByText('Vul een onderwerp in.').waitFor({ timeout: WAIT });
    await shot(page, 'lang-nl-new-ticket');

    await page.getByLabel('Taal').selectOption('en');
    await page.getByRole('button', { name: 'Create ticket' }).waitFor({ timeout: WAIT });
    await shot(page, 'lang-en-new-ticket');
    expect(await htmlLang(page)).toBe('en');
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('greets a Dutch browser in Dutch before sign-in, and the Lex team in the language they saved', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Inloggen' }).waitFor({ timeout: WAIT });
    expect(await htmlLang(page)).toBe('nl');
    await shot(page, 'lang-nl-sign-in');

    await page.getByLabel('E-mailadres').fill(admin.email);
    await page.getByLabel('Wachtwoord').fill(admin.password);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    // the account's saved language (English until chosen) wins over the browser's
    await page.getByRole('heading', { name: 'Support tickets' }).waitFor({ timeout: WAIT });
    await page.getByTestId('ticket-row').nth(3).waitFor({ timeout: WAIT });
    await shot(page, 'lang-en-dashboard');
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('heading', { name: 'Supporttickets' }).waitFor({ timeout: WAIT });
    await shot(page, 'lang-nl-dashboard');
    await context.close();
  });
});
