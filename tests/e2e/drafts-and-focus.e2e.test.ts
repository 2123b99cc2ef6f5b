/**
 * Drafts and focus in real Chromium against the real server: a half-written reply (the customer's,
 * and the team's internal note with its mode) survives a reload and is gone once sent; the
 * new-ticket form keeps its draft and Cancel asks before discarding (screenshots of the question at
 * 375 px in en and nl, axe-clean); focus lands on the page's h1 after navigation, in the composer after
 * "Send reply" and on the status area after a status change.
 */
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { axeViolations, ensureBuilt, launchChromium, openSignedInPage } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';
import { ella, sam } from '../helpers/people';

jest.setTimeout(180_000);

const WAIT = 15_000;
const SHOTS = process.env.SHOTS_DIR ?? '/work/shots/drafts';

/** What has focus: its tag, and its name as assistive technology would read it (roughly). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as any).document.activeElement as {
      tagName: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
    } | null;
    return {
      tag: el?.tagName.toLowerCase(),
      role: el?.getAttribute('role') ?? null,
      label: el?.getAttribute('aria-label') ?? null,
      text: el?.textContent?.trim() ?? '',
    };
  });

describe('drafts and focus in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let customer: Page;
  let admin: Page;
  let ticketId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt('client');
    server = await startTestServer();
    for (const person of [ella, sam]) await createUser(server, person);
    const desk = api(server);
    const token = await signIn(server, ella.email, ella.password);
    ticketId = (await desk.createTicket(token, { subject: 'PDF export is blank', message: 'Since Monday.' })).id;
    await desk.createTicket(token, { subject: 'Invoice shows the wrong VAT', message: 'Twice.' });

    browser = await launchChromium();
    [customer, admin] = await Promise.all([
      openSignedInPage(browser, server.origin, ella, 'customer', pageErrors),
      openSignedInPage(browser, server.origin, sam, 'admin', pageErrors),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it("focuses the page's h1 after navigation, without a ring", async () => {
    await customer.goto(`${server.origin}/support`);
    await customer.getByRole('link', { name: 'New ticket' }).first().click();
    await customer.waitForURL(/\/support\/new$/, { timeout: WAIT });
    await customer.waitForFunction(() => (globalThis as any).document.activeElement?.tagName === 'H1', undefined, { timeout: WAIT });
    expect(await focused(customer)).toMatchObject({ tag: 'h1', text: 'New ticket' });
    expect(
      await customer.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.activeElement).outlineStyle),
    ).toBe('none');

    await customer.getByRole('link', { name: '← All tickets' }).click();
    await customer.getByRole('link', { name: /PDF export is blank/ }).click();
    await customer.waitForFunction(() => (globalThis as any).document.activeElement?.textContent === 'PDF export is blank', undefined, {
      timeout: WAIT,
    });
    expect(await focused(customer)).toMatchObject({ tag: 'h1', text: 'PDF export is blank' });
  });

  it("keeps the customer's half-written reply over a reload, focuses the composer after sending, and forgets the draft", async () => {
    const box = customer.getByLabel('Your reply');
    await box.fill('Half a sentence about the PDF');
    await customer.reload();
    await box.waitFor({ timeout: WAIT });
    expect(await box.inputValue()).toBe('Half a sentence about the PDF');

    await customer.getByRole('button', { name: 'Send reply' }).click();
    await customer.getByTestId('reply').filter({ hasText: 'Half a sentence about the PDF' }).waitFor({ timeout: WAIT });
    expect(await box.inputValue()).toBe('');
    expect(await focused(customer)).toMatchObject({ tag: 'textarea' });
    await customer.reload();
    await box.waitFor({ timeout: WAIT });
    expect(await box.inputValue()).toBe('');
    expect(
      await customer.evaluate(() => Object.keys((globalThis as any).localStorage as object).filter((k) => k.startsWith('lex.draft'))),
    ).toEqual([]);
  });

  it('focuses the status area after the customer closes the ticket', async () => {
    await customer.getByRole('button', { name: 'Close ticket' }).click();
    await customer.waitForFunction(() => (globalThis as any).document.activeElement?.getAttribute('role') === 'group', undefined, {
      timeout: WAIT,
    });
    expect(await focused(customer)).toMatchObject({ role: 'group', label: 'Status: Closed' });
    expect(await axeViolations(customer)).toEqual([]);
  });

  it("keeps the team's internal note with its mode over a reload; Mark Resolved focuses the status area", async () => {
    await admin.goto(`${server.origin}/admin/support/${ticketId}`);
    await admin.getByRole('button', { name: 'Reopen' }).click();
    await admin.getByRole('button', { name: 'Mark Resolved' }).waitFor({ timeout: WAIT });
    await admin.locator('.composer-mode__option--note').click();
    await admin.getByLabel('Only the Lex team sees this').fill('Customer is on the old PDF engine');
    await admin.reload();
    await admin.getByLabel('Only the Lex team sees this').waitFor({ timeout: WAIT });
    expect(await admin.getByLabel('Only the Lex team sees this').inputValue()).toBe('Customer is on the old PDF engine');
    expect(await admin.getByRole('radio', { name: 'Internal note' }).isChecked()).toBe(true);

    await admin.getByRole('button', { name: 'Mark Resolved' }).click();
    await admin.waitForFunction(() => (globalThis as any).document.activeElement?.getAttribute('role') === 'group', undefined, {
      timeout: WAIT,
    });
    expect(await focused(admin)).toMatchObject({ role: 'group', label: 'Status: Closed' });
  });

  it('keeps the new-ticket draft over a reload, and Cancel asks before discarding it', async () => {
    await customer.goto(`${server.origin}/support/new`);
    await customer.getByLabel('Subject').fill('Contract template missing');
    await customer.getByLabel('Message').fill('The NDA template is gone since the update.');
    await customer.reload();
    await customer.getByLabel('Subject').waitFor({ timeout: WAIT });
    expect(await customer.getByLabel('Subject').inputValue()).toBe('Contract template missing');
    expect(await customer.getByLabel('Message').inputValue()).toBe('The NDA template is gone since the update.');

    await customer.setViewportSize({ width: 375, height: 812 });
    for (const [lang, cancel, title, keep] of [
      ['en', 'Cancel', 'Discard this ticket?', 'Keep editing'],
      ['nl', 'Annuleren', 'Dit ticket weggooien?', 'Verder schrijven'],
    ]) {
      if (lang === 'nl') await customer.getByLabel('Language').selectOption('nl');
      await customer.getByRole('link', { name: cancel }).click();
      const dialog = customer.getByRole('alertdialog', { name: title });
      await dialog.waitFor({ timeout: WAIT });
      // the safe answer has focus: Enter never discards by accident
      expect(await focused(customer)).toMatchObject({ tag: 'button', text: keep });
      expect(await axeViolations(customer)).toEqual([]);
      await customer.screenshot({ path: path.join(SHOTS, `confirm-discard-${lang}-375.png`) });
      await customer.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden', timeout: WAIT });
    }
    await customer.getByLabel('Taal').selectOption('en');
    await customer.setViewportSize({ width: 1280, height: 900 });
    expect(customer.url()).toMatch(/\/support\/new$/);
    expect(await customer.getByLabel('Subject').inputValue()).toBe('Contract template missing');

    await customer.getByRole('link', { name: 'Cancel' }).click();
    await customer.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
    await customer.waitForURL(/\/support$/, { timeout: WAIT });
    await customer.getByRole('link', { name: 'New ticket' }).first().click();
    await customer.getByLabel('Subject').waitFor({ timeout: WAIT });
    expect(await customer.getByLabel('Subject').inputValue()).toBe('');
    // an empty form leaves without asking
    await customer.getByRole('link', { name: 'Cancel' }).click();
    await customer.waitForURL(/\/support$/, { timeout: WAIT });
  });
});
