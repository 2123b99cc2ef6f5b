/**
 * The reports page in real Chromium (docs/architecture.md §11): a month of tickets, the figures, both
 * charts, the tables, the range in the address, the CSV download, and the page following a ticket
 * that closes today. Screenshots at 1280 and 375 px, English and Dutch, light and dark, into
 * SHOTS_DIR (default /tmp/lex-shots/reports).
 */
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { ensureBuilt, launchChromium, screenshots, signInContext } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

jest.setTimeout(240_000);
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/lex-shots/reports';
const WAIT = 15_000;
const DAY = 86_400_000;

let server: TestServer;
let browser: Browser;
const admin = { email: 'noor@lex.example', name: 'Noor Visser', password: 'admin-pass-123', role: 'superadmin' as const };
const colleague = { email: 'daan@lex.example', name: 'Daan Smit', password: 'admin-pass-456', role: 'superadmin' as const };
const customer = {
  email: 'ella@acme-legal.example',
  name: 'Ella Jansen',
  password: 'customer-pass-1',
  role: 'customer' as const,
  tenant: 'Acme',
};
let openTicket: string;

beforeAll(async () => {
  ensureBuilt('client');
  server = await startTestServer();
  const [noorId, daanId] = [(await createUser(server, admin)).id, (await createUser(server, colleague)).id];
  const ellaId = (await createUser(server, customer)).id;
  const desk = api(server);
  const ella = await signIn(server, customer.email, customer.password);
  const categories = ['TECHNICAL', 'BILLING', 'LEX_QUESTION', 'CAO_RELATED', 'OTHER'] as const;
  // 60 tickets over the last 4 weeks: answered after minutes to a day, most closed, a third rated.
  for (let i = 0; i < 60; i++) {
    const { id } = await desk.createTicket(ella, { subject: `Question ${i}`, category: categories[i % 5] });
    const created = Date.now() - (27 - (i % 28)) * DAY - ((i * 37) % 600) * 60_000 - 3_600_000;
    const answered = created + (5 + ((i * 97) % 900)) * 60_000;
    const closed = i % 4 === 3 ? null : Math.min(answered + ((i * 53) % 2000) * 60_000, Date.now() - 60_000);
    await server.sql(
      `UPDATE support_tickets SET created_at = $2, updated_at = $2, first_response_at = $3, first_response_due_at = $2::timestamptz + interval '8 hours',
              closed_at = $4, status = CASE WHEN $4::timestamptz IS NULL THEN 'answered' ELSE 'closed' END, assignee_id = $5 WHERE id = $1`,
      [id, new Date(created), new Date(answered), closed && new Date(closed), i % 3 ? noorId : daanId],
    );
    if (closed && i % 3 === 0)
      await server.sql(`INSERT INTO ticket_ratings (ticket_id, closed_at, user_id, score, created_at) VALUES ($1, $2, $3, $4, $2)`, [
        id,
        new Date(closed),
        ellaId,
        1 + ((i * 7) % 5),
      ]);
  }
  openTicket = (await desk.createTicket(ella, { subject: 'Still open, closes during the test', category: 'BILLING' })).id;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(locale: string, colorScheme: 'light' | 'dark', query = '?days=30'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, colorScheme, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await signInContext(context, server.origin, admin.email, admin.password);
  const page = await context.newPage();
  await page.goto(`${server.origin}/admin/support/reports${query}`);
  await page.locator('.day-chart canvas').nth(1).waitFor({ timeout: WAIT });
  return { context, page };
}

const kpi = (page: Page, label: string) => page.locator('.kpi', { hasText: label }).locator('.kpi__value');

it('shows the figures, both charts and the tables, and keeps the range in the address', async () => {
  const { context, page } = await open('en-GB', 'light');
  try {
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    expect(await kpi(page, 'Opened').textContent()).toBe('61');
    expect(await page.locator('.day-chart').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed')).toBe('true');
    // Five categories.
    expect(await page.locator('table', { hasText: 'By category' }).locator('tbody tr').count()).toBe(5);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).waitFor();
    await screenshots(page, SHOTS, 'reports-en');

    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.waitForURL(/days=7/);
    await page.getByLabel('From').fill('2020-01-01');
    await page.waitForURL(/from=2020-01-01/);
  } finally {
    await context.close();
  }
});

it('exports the tables as CSV, named by the range', async () => {
  const { context, page } = await open('en-GB', 'light', '?from=2020-01-01&to=2030-01-01');
  try {
    // Over the limit: the default range instead of an error.
    expect(await page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed')).toBe('true');
    await page.goto(`${server.origin}/admin/support/reports?days=30`);
    await page.locator('.day-chart canvas').nth(1).waitFor({ timeout: WAIT });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^lex-support-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('Breakdown,Name,Opened,Closed,First responses,Service level met,Rating,Ratings');
    // Both team members and the one ticket nobody has answered yet.
    expect(lines.filter((l) => l.startsWith('Team member,')).map((l) => l.split(',')[1])).toEqual(
      expect.arrayContaining(['Noor Visser', 'Daan Smit', 'Unassigned']),
    );
  } finally {
    await context.close();
  }
});

it('follows a ticket that closes today', async () => {
  const { context, page } = await open('en-GB', 'light');
  try {
    const before = Number(await kpi(page, 'Closed').textContent());
    await api(server).close(await signIn(server, customer.email, customer.password), openTicket);
    await kpi(page, 'Closed')
      .filter({ hasText: new RegExp(`^${before + 1}$`) })
      .waitFor({ timeout: WAIT });
  } finally {
    await context.close();
  }
});

it('reads in Dutch and in dark mode', async () => {
  const dutch = await open('nl-NL', 'light');
  try {
    await dutch.page.getByLabel('Language').selectOption('nl');
    await dutch.page.getByRole('heading', { level: 1, name: 'Rapportages' }).waitFor();
    await screenshots(dutch.page, SHOTS, 'reports-nl');
    await dutch.page.getByLabel('Taal').selectOption('en');
    await dutch.page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  } finally {
    await dutch.context.close();
  }
  const dark = await open('en-GB', 'dark');
  try {
    await screenshots(dark.page, SHOTS, 'reports-dark');
  } finally {
    await dark.context.close();
  }
});
