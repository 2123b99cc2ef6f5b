/**
 * Triage on the team's dashboard end to end (docs/architecture.md §8 and §10), in real headless
 * Chromium against the real server with its job worker: the category column, "due in" turning
 * "overdue" without a reload, the Overdue view, the order in the URL, the customer's other tickets
 * and "Next ticket" after Mark Resolved. Screenshots at 1280 and 375 px in English and Dutch go to
 * tests/e2e/artifacts/; axe-core checks each screen.
 */
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { createUser, signIn as signInApi } from '../helpers/accounts';
import { ensureBuilt, expectNoAxeViolations, launchChromium, openSignedInPage, screenshots, setLanguage } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

jest.setTimeout(240_000);

const ARTIFACTS = path.join(__dirname, 'artifacts');
const WAIT = 15_000;
// Round the clock, a first response due 0.005 h (18 s) after opening: the test sees the due time pass.
const SLA_ENV = { BUSINESS_HOURS: 'Mon-Sun 00:00-24:00 UTC', SLA_FIRST_RESPONSE_HOURS: '0.005' };

const people = {
  ella: {
    email: 'ella@acme-legal.example',
    name: 'Ella Jansen',
    password: 'customer-pass-1',
    role: 'customer' as const,
    tenant: 'Acme Legal',
  },
  bram: { email: 'bram@initech.example', name: 'Bram de Vries', password: 'customer-pass-2', role: 'customer' as const, tenant: 'Initech' },
  maria: { email: 'maria@lex.example', name: 'Maria Kok', password: 'maria-pass-123', role: 'superadmin' as const },
};

const rows = (page: Page) => page.getByTestId('ticket-row');
const row = (page: Page, subject: string) => rows(page).filter({ hasText: subject });
const shownNumbers = (page: Page) => rows(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-ticket-number'))));

/** Waits until the dashboard shows exactly these tickets, in this order. */
async function waitForRows(page: Page, expected: number[]) {
  const deadline = Date.now() + WAIT;
  let shown = await shownNumbers(page);
  while (JSON.stringify(shown) !== JSON.stringify(expected) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    shown = await shownNumbers(page);
  }
  expect(shown).toEqual(expected);
}

describe('triage in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let maria: Page;
  const pageErrors: string[] = [];
  const numbers: Record<string, number> = {};
  let desk: ReturnType<typeof api>;
  let bram: string;

  beforeAll(async () => {
    ensureBuilt('client');
    server = await startTestServer({ jobs: true, env: SLA_ENV });
    for (const person of Object.values(people)) await createUser(server, person);
    desk = api(server);
    const ella = await signInApi(server, people.ella.email, people.ella.password);
    bram = await signInApi(server, people.bram.email, people.bram.password);
    const open = [
      [ella, 'Holiday pay is wrong in March', 'BILLING'],
      [bram, 'Export to Excel fails', 'TECHNICAL'],
      [ella, 'Which CAO applies to interns?', 'CAO_RELATED'],
      [ella, 'Invoice sent twice', 'BILLING'],
    ] as const;
    for (const [token, subject, category] of open) {
      const ticket = await desk.createTicket(token, { subject, category, message: `${subject}.` });
      numbers[subject] = ticket.ticketNumber;
    }
    // Two of them are not due for hours: they say "due in".
    await server.sql(
      `UPDATE support_tickets SET first_response_due_at = now() + interval '2 hours 30 minutes' WHERE subject IN ('Export to Excel fails', 'Invoice sent twice')`,
    );

    browser = await launchChromium();
    maria = await openSignedInPage(browser, server.origin, people.maria, 'maria', pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it('shows the category, and "due in" turning "overdue" without a reload', async () => {
    await maria.goto(`${server.origin}/admin/support`);
    await expect(row(maria, 'Holiday pay').locator('.ticket-row__category').textContent()).resolves.toBe('Billing');
    await expect(row(maria, 'Export to Excel').locator('.ticket-row__category').textContent()).resolves.toBe('Technical');
    await expect(row(maria, 'Export to Excel').getByTestId('sla').textContent()).resolves.toBe('Answer due in 2 hours');

    const turning = row(maria, 'Which CAO applies').getByTestId('sla');
    await expect(turning.getAttribute('data-sla')).resolves.toBe('due');
    // Due 18 s after opening: the page's clock or the server's sla.overdue job turns it, no reload.
    await row(maria, 'Which CAO applies').locator('[data-sla="overdue"]').waitFor({ timeout: 60_000 });
    await expect(turning.textContent()).resolves.toBe('Overdue');
    await shotAndCheck(maria, 'dashboard');
  });

  it('lists the overdue tickets in the Overdue view', async () => {
    await row(maria, 'Holiday pay').locator('[data-sla="overdue"]').waitFor({ timeout: 60_000 });
    await maria.getByTestId('view-overdue').click();
    await maria.waitForURL(/view=overdue/);
    // most recently updated first: neither changed since it was opened
    await waitForRows(maria, [numbers['Which CAO applies to interns?'], numbers['Holiday pay is wrong in March']]);
    // A ticket opened now joins the view when the server's sla.overdue job says it is overdue: the
    // page's clock moves marks on rows it has, only the server can add a row to a list.
    const late = await desk.createTicket(bram, { subject: 'Payslip PDF is empty', category: 'TECHNICAL', message: 'Empty.' });
    numbers[late.subject] = late.ticketNumber;
    await waitForRows(maria, [numbers['Which CAO applies to interns?'], numbers['Holiday pay is wrong in March']]);
    await row(maria, 'Payslip PDF is empty').locator('[data-sla="overdue"]').waitFor({ timeout: 60_000 });
    await waitForRows(maria, [late.ticketNumber, numbers['Which CAO applies to interns?'], numbers['Holiday pay is wrong in March']]);
    await maria.getByTestId('view-all').click();
  });

  it('orders by ticket number from the URL, and keeps the order on reload', async () => {
    await maria.getByLabel('Sort').selectOption({ label: 'Oldest tickets (by number)' });
    await maria.waitForURL(/sort=CREATED_ASC/);
    const ascending = Object.values(numbers).sort((a, b) => a - b);
    await waitForRows(maria, ascending);
    await maria.reload();
    await rows(maria).first().waitFor();
    await waitForRows(maria, ascending);
    await expect(maria.getByLabel('Sort').inputValue()).resolves.toBe('CREATED_ASC');
    await maria.getByLabel('Sort').selectOption('CREATED_DESC');
    await maria.waitForURL(/sort=CREATED_DESC/);
    await waitForRows(maria, [...ascending].reverse());
  });

  it("shows the customer's other tickets, and the next ticket of the list after Mark Resolved", async () => {
    await maria.goto(`${server.origin}/admin/support?sort=CREATED_ASC`);
    await row(maria, 'Holiday pay').getByRole('link').click();
    await maria.getByRole('heading', { name: 'Holiday pay is wrong in March' }).waitFor();
    expect(new URL(maria.url()).searchParams.get('list')).toBe('sort=CREATED_ASC');

    const others = maria.getByTestId('customer-tickets');
    await others.locator('summary').click();
    await others.getByRole('link', { name: /Which CAO applies/ }).waitFor();
    await others.getByRole('link', { name: /Invoice sent twice/ }).waitFor();
    expect(await others.getByRole('link', { name: /Export to Excel/ }).count()).toBe(0);
    await shotAndCheck(maria, 'ticket');

    await maria.getByRole('button', { name: 'Mark Resolved' }).click();
    const next = maria.getByRole('link', { name: /^Next ticket: #\d+ Export to Excel fails$/ });
    await next.waitFor({ timeout: WAIT });
    // keyboard: the link takes focus and Enter follows it
    await next.focus();
    await maria.keyboard.press('Enter');
    await maria.getByRole('heading', { name: 'Export to Excel fails' }).waitFor();
    expect(new URL(maria.url()).searchParams.get('list')).toBe('sort=CREATED_ASC');
    await maria.getByRole('button', { name: 'Mark Resolved' }).click();
    await maria.getByRole('link', { name: /^Next ticket: #\d+ Which CAO applies to interns\?$/ }).waitFor({ timeout: WAIT });
    await shotAndCheck(maria, 'next-ticket');
  });
});

/** Screenshots at both widths in English and Dutch (under tests/e2e/artifacts/), axe-checked in each language. */
async function shotAndCheck(page: Page, name: string) {
  for (const locale of ['en', 'nl'] as const) {
    await setLanguage(page, locale);
    await screenshots(page, ARTIFACTS, `triage-${name}-${locale}`);
    await expectNoAxeViolations(page, `${name} (${locale})`);
  }
  await setLanguage(page, 'en');
}
