/**
 * Lex Support end to end, in real headless Chromium against the real server:
 * a customer browser and a superadmin browser open at once, everything live.
 * Screenshots of every page at 1280 px and 375 px go to tests/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createUser } from '../helpers/accounts';
import { ensureBuilt, launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(240_000);

const ARTIFACTS = path.join(__dirname, 'artifacts');
const WAIT = 15_000;

async function shot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

async function signIn(page: Page, base: string, email: string, password: string, shotName?: string) {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').waitFor({ timeout: WAIT });
  if (shotName) await shot(page, shotName);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: WAIT });
}

/** Marks the document so that a later check proves no reload happened. */
async function markNoReload(page: Page) {
  await page.evaluate(() => {
    (globalThis as Record<string, unknown>).__lexNoReload = true;
  });
}
async function stillNoReload(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as Record<string, unknown>).__lexNoReload === true);
}

const navBadge = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByTestId('badge');
const ticketStatus = (page: Page, status: string) => page.locator(`.ticket-head__line [data-status="${status}"]`);
const row = (page: Page, text: string) => page.getByTestId('ticket-row').filter({ hasText: text });
const bubbles = (page: Page, text: string) => page.getByTestId('reply').filter({ hasText: text });

/** Waits until the list shows exactly n rows (not counting rows dimmed while a new filter loads). */
const rowCount = (page: Page, n: number) =>
  page.waitForFunction(
    (expected) =>
      (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll(
        '.ticket-table:not(.ticket-table--refreshing) [data-testid="ticket-row"]',
      ).length === expected,
    n,
    { timeout: WAIT },
  );

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent())?.trim() ?? '';
}

async function waitForText(page: Page, selector: string, expected: string) {
  await page.waitForFunction(
    ([sel, text]) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      return doc.querySelector(sel)?.textContent?.trim() === text;
    },
    [selector, expected] as const,
    { timeout: WAIT },
  );
}

describe('Lex Support in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let customerCtx: BrowserContext;
  let adminCtx: BrowserContext;
  let otherCtx: BrowserContext;
  let customer: Page;
  let admin: Page;
  let other: Page;
  let base: string;
  const pageErrors: string[] = [];

  const people = {
    customer: {
      email: 'ella@acme-legal.example',
      name: 'Ella Jansen',
      password: 'customer-pass-1',
      role: 'customer' as const,
      tenant: 'Acme Legal',
    },
    other: {
      email: 'bas@bright-hr.example',
      name: 'Bas de Vries',
      password: 'customer-pass-2',
      role: 'customer' as const,
      tenant: 'Bright HR',
    },
    admin: { email: 'sam@lex.example', name: 'Sam Lex', password: 'admin-pass-123', role: 'superadmin' as const },
  };

  // typed by users: must show as text and never run
  const markupSubject = 'PDF export is empty <img src=x onerror="globalThis.__lexXss=1">';
  const markupMessage = 'When I export a contract the PDF is blank.\n<script>globalThis.__lexXss=2</script><b>not bold</b>';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureBuilt('client');
    server = await startTestServer();
    base = server.origin;
    for (const p of Object.values(people)) await createUser(server, p);
    browser = await launchChromium();
    const options = { viewport: { width: 1280, height: 900 }, locale: 'en-GB' };
    customerCtx = await browser.newContext(options);
    adminCtx = await browser.newContext(options);
    otherCtx = await browser.newContext(options);
    customer = await customerCtx.newPage();
    admin = await adminCtx.newPage();
    other = await otherCtx.newPage();
    for (const [who, page] of [
      ['customer', customer],
      ['admin', admin],
      ['other', other],
    ] as const) {
      page.on('pageerror', (err) => pageErrors.push(`${who}: ${err.message}`));
      page.on('dialog', (dialog) => {
        pageErrors.push(`${who}: unexpected dialog "${dialog.message()}"`);
        void dialog.dismiss();
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs both people in and shows their home pages', async () => {
    await signIn(customer, base, people.customer.email, people.customer.password, '01-sign-in');
    await customer.getByRole('heading', { name: 'No tickets yet' }).waitFor({ timeout: WAIT });
    await shot(customer, '02-customer-support-empty');

    await signIn(admin, base, people.admin.email, people.admin.password);
    await admin.getByRole('heading', { name: 'Support tickets' }).waitFor({ timeout: WAIT });
    await admin.getByRole('heading', { name: 'No tickets yet' }).waitFor({ timeout: WAIT });
    await waitForText(admin, '[data-testid="stat-OPEN"] .stat__value', '0');
    expect(await navBadge(admin).count()).toBe(0);
    await shot(admin, '03-admin-dashboard-empty');

    await markNoReload(customer);
    await markNoReload(admin);
  });

  let ticketUrl = '';
  let ticketNumber = '';

  it('creates a ticket: field errors inline, then a success message on the ticket page', async () => {
    await customer.getByRole('link', { name: 'New ticket' }).first().click();
    await customer.getByRole('heading', { name: 'New ticket' }).waitFor({ timeout: WAIT });
    const categories = await customer.getByLabel('Category').locator('option').allTextContents();
    expect(categories).toEqual(expect.arrayContaining(['Technical', 'Lex Question', 'Billing', 'CAO-related', 'Other']));
    await customer.getByRole('button', { name: 'Create ticket' }).click();
    await customer.getByText('Enter a subject.').waitFor({ timeout: WAIT });
    await customer.getByText('Describe your question or problem.').waitFor();
    await shot(customer, '04-customer-new-ticket-errors');

    await customer.getByLabel('Subject').fill(markupSubject);
    await customer.getByLabel('Category').selectOption({ label: 'Technical' });
    await customer.getByLabel('Message').fill(markupMessage);
    await shot(customer, '05-customer-new-ticket-filled');
    await customer.getByRole('button', { name: 'Create ticket' }).click();

    await customer.getByText(/Ticket #\d+ created\./).waitFor({ timeout: WAIT });
    expect(customer.url()).toMatch(/\/support\/[^/]+$/);
    ticketUrl = new URL(customer.url()).pathname;
    ticketNumber = await textOf(customer, '.ticket-head__number');
    expect(ticketNumber).toMatch(/^#\d+$/);
    // markup shows as text
    await customer.getByRole('heading', { name: markupSubject }).waitFor();
    await bubbles(customer, '<script>globalThis.__lexXss=2</script><b>not bold</b>').waitFor();
    expect(await customer.locator('.bubble__body b, .ticket-head img').count()).toBe(0);
    await ticketStatus(customer, 'OPEN').waitFor();
    await shot(customer, '06-customer-ticket-created');
  });

  it('shows the new ticket on the dashboard without a reload, and the badge counts it', async () => {
    await row(admin, 'PDF export is empty').waitFor({ timeout: WAIT });
    await waitForText(admin, '[data-testid="stat-OPEN"] .stat__value', '1');
    await navBadge(admin).waitFor({ timeout: WAIT });
    expect(await navBadge(admin).getAttribute('aria-label')).toBe('1 open ticket');
    const text = (await row(admin, 'PDF export is empty').textContent()) ?? '';
    expect(text).toContain(ticketNumber);
    expect(text).toContain('Ella Jansen');
    expect(text).toContain('Acme Legal');
    expect(text).toContain('Open');
    expect(await stillNoReload(admin)).toBe(true);
    await shot(admin, '07-admin-dashboard-live');
  });

  it('lets the superadmin reply; the customer sees it live with status Answered', async () => {
    await row(admin, 'PDF export is empty').click();
    await admin.getByRole('heading', { name: markupSubject }).waitFor({ timeout: WAIT });
    await admin.getByText(people.customer.email).waitFor();
    await admin.locator('.ticket-meta').getByText('Acme Legal').waitFor();
    // Everything the customer's live region says from now on: the reply and the status change it caused
    // may come as two announcements (two subscriptions), the second replacing the first.
    await customer.evaluate(() => {
      const g = globalThis as any;
      g.__announced = [];
      new g.MutationObserver(() => g.__announced.push(g.document.querySelector('[data-testid="live-region"]').textContent)).observe(
        g.document.querySelector('[data-testid="live-region"]'),
        { childList: true, characterData: true, subtree: true },
      );
    });
    await admin.getByLabel('Your reply').fill('Thanks Ella. Which browser do you use?');
    await admin.getByRole('button', { name: 'Send reply' }).click();
    await bubbles(admin, 'Which browser do you use?').waitFor({ timeout: WAIT });

    await bubbles(customer, 'Which browser do you use?').waitFor({ timeout: WAIT });
    await ticketStatus(customer, 'ANSWERED').waitFor({ timeout: WAIT });
    // announced to screen readers through the live region
    await customer.waitForFunction(
      () => ((globalThis as any).__announced as string[]).some((text) => text.includes('Which browser do you use?')),
      undefined,
      { timeout: WAIT },
    );
    expect(await stillNoReload(customer)).toBe(true);
    await ticketStatus(admin, 'ANSWERED').waitFor({ timeout: WAIT });
    await shot(customer, '08-customer-ticket-answered');
  });

  it("sends the customer's reply back live, shown once on both sides", async () => {
    await customer.getByLabel('Your reply').fill('Chrome on Windows 11.');
    await customer.getByRole('button', { name: 'Send reply' }).click();
    await bubbles(admin, 'Chrome on Windows 11.').waitFor({ timeout: WAIT });
    await ticketStatus(admin, 'OPEN').waitFor({ timeout: WAIT });
    await ticketStatus(customer, 'OPEN').waitFor({ timeout: WAIT });
    // optimistic copy replaced, never doubled
    await customer.waitForTimeout(500);
    expect(await bubbles(customer, 'Chrome on Windows 11.').count()).toBe(1);
    expect(await bubbles(admin, 'Chrome on Windows 11.').count()).toBe(1);
    expect(await customer.getByTestId('reply').count()).toBe(3);
    // customer left, Lex team right
    expect(await bubbles(customer, 'Chrome on Windows 11.').locator('.bubble').getAttribute('class')).toContain('bubble--left');
    expect(await bubbles(customer, 'Which browser').locator('.bubble').getAttribute('class')).toContain('bubble--right');
    expect(await stillNoReload(admin)).toBe(true);
    await shot(admin, '09-admin-ticket');
  });

  it('moves the status with Mark In Progress and Mark Resolved, live for the customer', async () => {
    await admin.getByRole('button', { name: 'Mark In Progress' }).click();
    await ticketStatus(customer, 'IN_PROGRESS').waitFor({ timeout: WAIT });
    await admin.getByRole('button', { name: 'Mark Resolved' }).click();
    await ticketStatus(customer, 'CLOSED').waitFor({ timeout: WAIT });
    expect(await customer.getByRole('button', { name: 'Close ticket' }).count()).toBe(0);
    await admin.getByRole('button', { name: 'Reopen' }).waitFor({ timeout: WAIT });
    expect(await stillNoReload(customer)).toBe(true);
    await shot(customer, '10-customer-ticket-resolved');
    await shot(admin, '11-admin-ticket-resolved');
  });

  it('counts unread replies in the customer badge and lets the customer close another ticket', async () => {
    await customer.getByRole('link', { name: /Your tickets/ }).click();
    await customer.getByRole('link', { name: 'New ticket' }).first().click();
    await customer.getByLabel('Subject').fill('Question about my invoice');
    await customer.getByLabel('Category').selectOption({ label: 'Billing' });
    await customer.getByLabel('Message').fill('The March invoice lists two licences, we have one.');
    await customer.getByRole('button', { name: 'Create ticket' }).click();
    await customer.getByText(/Ticket #\d+ created\./).waitFor({ timeout: WAIT });
    const invoiceUrl = new URL(customer.url()).pathname;
    await customer.getByRole('link', { name: /Your tickets/ }).click();
    await customer.getByTestId('ticket-card').filter({ hasText: 'Question about my invoice' }).waitFor({ timeout: WAIT });

    await admin.getByRole('link', { name: /All tickets/ }).click();
    await row(admin, 'Question about my invoice').click();
    await admin.getByLabel('Your reply').fill('You are right, we will correct it.');
    await admin.getByRole('button', { name: 'Send reply' }).click();

    // the customer is on the list: the nav badge and the card count the unread reply
    await navBadge(customer).waitFor({ timeout: WAIT });
    expect(await navBadge(customer).getAttribute('aria-label')).toBe('1 unread reply');
    const card = customer.getByTestId('ticket-card').filter({ hasText: 'Question about my invoice' });
    await card.getByTestId('badge').waitFor({ timeout: WAIT });
    await card.locator('[data-status="ANSWERED"]').waitFor({ timeout: WAIT });
    await shot(customer, '12-customer-support-list');

    // opening it marks it read
    await card.click();
    expect(new URL(customer.url()).pathname).toBe(invoiceUrl);
    await bubbles(customer, 'we will correct it').waitFor({ timeout: WAIT });
    await customer.waitForFunction(
      () =>
        !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
          'nav[aria-label="Main"] [data-testid="badge"]',
        ),
      undefined,
      { timeout: WAIT },
    );
    await customer.getByRole('button', { name: 'Close ticket' }).click();
    await ticketStatus(customer, 'CLOSED').waitFor({ timeout: WAIT });
    await ticketStatus(admin, 'CLOSED').waitFor({ timeout: WAIT });
    expect(await stillNoReload(customer)).toBe(true);
  });

  it('narrows the dashboard with filters and search', async () => {
    await signIn(other, base, people.other.email, people.other.password);
    await other.getByRole('link', { name: 'New ticket' }).first().click();
    await other.getByLabel('Subject').fill('Night shift allowance in the CAO');
    await other.getByLabel('Category').selectOption({ label: 'CAO-related' });
    await other.getByLabel('Message').fill('Which CAO article covers night shifts?');
    await other.getByRole('button', { name: 'Create ticket' }).click();
    await other.getByText(/Ticket #\d+ created\./).waitFor({ timeout: WAIT });
    const otherTicketUrl = new URL(other.url()).pathname;

    await admin.getByRole('link', { name: /All tickets/ }).click();
    await row(admin, 'Night shift allowance').waitFor({ timeout: WAIT });
    await rowCount(admin, 3);

    await admin.getByLabel('Status').selectOption({ label: 'Closed' });
    await row(admin, 'Night shift allowance').waitFor({ state: 'detached', timeout: WAIT });
    await rowCount(admin, 2);
    expect(admin.url()).toContain('status=CLOSED');

    await admin.getByLabel('Category').selectOption({ label: 'Billing' });
    await row(admin, 'PDF export is empty').waitFor({ state: 'detached', timeout: WAIT });
    await rowCount(admin, 1);
    await row(admin, 'Question about my invoice').waitFor();
    await shot(admin, '13-admin-dashboard-filtered');

    await admin.getByLabel('Status').selectOption({ label: 'All' });
    await admin.getByLabel('Category').selectOption({ label: 'All' });
    await admin.getByLabel('Search').fill('bright');
    await row(admin, 'Question about my invoice').waitFor({ state: 'detached', timeout: WAIT });
    await rowCount(admin, 1);
    await row(admin, 'Night shift allowance').waitFor();

    await admin.getByLabel('Search').fill(ticketNumber);
    await row(admin, 'PDF export is empty').waitFor({ timeout: WAIT });
    await rowCount(admin, 1);
    await shot(admin, '14-admin-dashboard-search');

    await admin.getByLabel('Search').fill('no such ticket anywhere');
    await admin.getByRole('heading', { name: 'No tickets match' }).waitFor({ timeout: WAIT });
    await admin.getByRole('button', { name: 'Clear filters' }).click();
    await rowCount(admin, 3);

    // guards: another customer's ticket and the admin pages look like pages that do not exist
    await customer.goto(`${base}${otherTicketUrl}`);
    await customer.getByRole('heading', { name: 'Page not found' }).waitFor({ timeout: WAIT });
    expect(await customer.getByText('Night shift allowance').count()).toBe(0);
    await shot(customer, '15-customer-not-found');

    await customer.goto(`${base}/admin/support`);
    await customer.getByRole('heading', { name: 'Page not found' }).waitFor({ timeout: WAIT });
    expect(await customer.getByText('Support tickets').count()).toBe(0);
    expect(await customer.getByText('Bas de Vries').count()).toBe(0);

    await customer.goto(`${base}/admin/support${ticketUrl.replace('/support', '')}`);
    await customer.getByRole('heading', { name: 'Page not found' }).waitFor({ timeout: WAIT });

    await customer.goto(`${base}/support/00000000-0000-4000-8000-000000000000`);
    await customer.getByRole('heading', { name: 'Page not found' }).waitFor({ timeout: WAIT });
  });

  it('never ran any typed markup', async () => {
    for (const page of [customer, admin, other]) {
      expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__lexXss)).toBeUndefined();
    }
    await customer.goto(`${base}${ticketUrl}`);
    await customer.getByRole('heading', { name: markupSubject }).waitFor({ timeout: WAIT });
    expect(await customer.evaluate(() => (globalThis as Record<string, unknown>).__lexXss)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });

  it('signs out', async () => {
    await customer.getByRole('button', { name: 'Sign out' }).click();
    await customer.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    // the session is gone on the server too
    await customer.goto(`${base}/support`);
    await customer.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    expect(await customer.getByText('Question about my invoice').count()).toBe(0);
  });
});
