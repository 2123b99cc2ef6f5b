/**
 * What is unread, links in messages and the customer's list, in real Chromium against the real
 * server: unread rows and cards, the unread count in the tab title for both roles (live), web and
 * email addresses as anchors while a `javascript:` URL stays text, the status filter, and the
 * character count near the message limit.
 */
import { type Browser, type Page } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { ensureBuilt, launchChromium, openSignedInPage } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';
import { ella, sam } from '../helpers/people';

jest.setTimeout(180_000);

const WAIT = 15_000;

const waitForTitle = (page: Page, title: string) =>
  page.waitForFunction((expected) => (globalThis as unknown as { document: { title: string } }).document.title === expected, title, {
    timeout: WAIT,
  });

describe('unread, links and the customer list in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let customer: Page;
  let admin: Page;
  let desk: ReturnType<typeof api>;
  let tokens: { ella: string; sam: string };
  const pageErrors: string[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ensureBuilt('client');
    server = await startTestServer();
    for (const person of [ella, sam]) await createUser(server, person);
    desk = api(server);
    tokens = { ella: await signIn(server, ella.email, ella.password), sam: await signIn(server, sam.email, sam.password) };
    // Seven tickets: one answered with links, one closed, the rest waiting for the team.
    for (const subject of [
      'PDF export is blank',
      'Invoice shows the wrong VAT',
      'Add a colleague',
      'Holiday allowance',
      'Old files missing',
      'Billing address',
      'Termination letter',
    ]) {
      ids[subject] = (await desk.createTicket(tokens.ella, { subject, message: `${subject}, since Monday.\nSecond line.` })).id;
    }
    await desk.reply(
      tokens.sam,
      ids['PDF export is blank'],
      'Please mail a screenshot to support@lex.example.\nSteps: https://docs.lex.example/help/exports/pdf-troubleshooting?lang=en&section=blank#step-3\njavascript:alert(document.cookie) data:text/html,<b>x</b>',
    );
    await desk.close(tokens.ella, ids['Billing address']);
    // The team has read all but one ticket.
    for (const [subject, id] of Object.entries(ids)) if (subject !== 'Holiday allowance') await desk.markRead(tokens.sam, id);

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

  const card = (subject: string) => customer.getByTestId('ticket-card').filter({ hasText: subject });
  const row = (subject: string) => admin.getByTestId('ticket-row').filter({ hasText: subject });

  it("highlights the customer's unread ticket, with the last message's first line, and counts it in the title", async () => {
    await customer.goto(`${server.origin}/support`);
    await card('PDF export is blank').waitFor({ timeout: WAIT });
    await waitForTitle(customer, '(1) Support · Lex Support');
    expect(await card('PDF export is blank').getAttribute('data-unread')).toBe('true');
    expect(await card('Invoice shows the wrong VAT').getAttribute('data-unread')).toBeNull();
    expect(await card('PDF export is blank').getByTestId('last-message').textContent()).toBe(
      'Sam Lex: Please mail a screenshot to support@lex.example.',
    );
    expect(await card('Invoice shows the wrong VAT').getByTestId('last-message').textContent()).toBe(
      'You: Invoice shows the wrong VAT, since Monday.',
    );
  });

  it('filters the list by status once there are more than five tickets, in the URL', async () => {
    const filter = customer.getByRole('navigation', { name: 'Tickets by status' });
    await filter.getByRole('link', { name: 'Closed' }).click();
    await customer.waitForURL(/\/support\?status=CLOSED$/, { timeout: WAIT });
    await customer.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('[data-testid="ticket-card"]').length === 1,
      undefined,
      { timeout: WAIT },
    );
    await card('Billing address').waitFor({ timeout: WAIT });
    expect(await filter.getByRole('link', { name: 'Closed' }).getAttribute('aria-current')).toBe('page');
    await filter.getByRole('link', { name: 'All' }).click();
    await customer.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('[data-testid="ticket-card"]').length === 7,
      undefined,
      { timeout: WAIT },
    );
  });

  it('shows addresses in messages as links that open safely, and never a javascript: link', async () => {
    await card('PDF export is blank').getByRole('link').click();
    const answer = customer.getByTestId('reply').filter({ hasText: 'Please mail a screenshot' });
    await answer.waitFor({ timeout: WAIT });
    const anchors = await answer.locator('a').evaluateAll((list) =>
      list.map((a) => ({
        href: a.getAttribute('href'),
        target: a.getAttribute('target'),
        rel: a.getAttribute('rel'),
        text: a.textContent,
      })),
    );
    expect(anchors).toEqual([
      { href: 'mailto:support@lex.example', target: null, rel: null, text: 'support@lex.example' },
      {
        href: 'https://docs.lex.example/help/exports/pdf-troubleshooting?lang=en&section=blank#step-3',
        target: '_blank',
        rel: 'noopener noreferrer',
        text: 'docs.lex.example/help/exports/pdf-troub… (opens in a new tab)',
      },
    ]);
    expect(await customer.locator('a[href^="javascript:" i], a[href^="data:" i]').count()).toBe(0);
    expect(await answer.textContent()).toContain('javascript:alert(document.cookie) data:text/html,<b>x</b>');
    expect(await answer.locator('b').count()).toBe(0);
    // Read now: the title counts nothing.
    await waitForTitle(customer, '#1000 PDF export is blank · Lex Support');
  });

  it('counts characters near the limit of a reply', async () => {
    const box = customer.getByLabel('Your reply');
    await box.fill('x'.repeat(8_000));
    expect(await customer.getByTestId('character-count').count()).toBe(0);
    await box.fill('x'.repeat(9_500));
    expect(await customer.getByTestId('character-count').textContent()).toBe('500 characters left');
    expect(await box.getAttribute('aria-describedby')).toContain(await customer.getByTestId('character-count').getAttribute('id'));
    await box.fill('');
  });

  it("marks the team's rows with unread customer messages, and counts them in the title, live", async () => {
    await admin.goto(`${server.origin}/admin/support`);
    await row('Holiday allowance').waitFor({ timeout: WAIT });
    await waitForTitle(admin, '(1) Support dashboard · Lex Support');
    expect(await row('Holiday allowance').getAttribute('data-unread')).toBe('true');
    expect(await row('Termination letter').getAttribute('data-unread')).toBeNull();
    // The row is a table row whose link is the subject.
    expect(
      await admin
        .getByRole('table')
        .getByRole('link', { name: /Holiday allowance/ })
        .count(),
    ).toBe(1);

    await desk.reply(tokens.ella, ids['Termination letter'], 'Any news?');
    await admin.waitForFunction(
      (id) =>
        (globalThis as any).document.querySelector(`[data-testid="ticket-row"][data-unread] a[href*="/admin/support/${id}"]`) !== null,
      ids['Termination letter'],
      { timeout: WAIT },
    );
    await waitForTitle(admin, '(2) Support dashboard · Lex Support');
  });
});
