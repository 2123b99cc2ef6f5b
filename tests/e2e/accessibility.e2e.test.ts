/**
 * Every page of the web app checked with axe-core in real Chromium, for each role that sees it, at
 * 1280 px and 375 px (and in dark mode at 1280 px): any WCAG 2.0/2.1 A or AA violation fails, listed
 * with where it is. One browser, one page after another, to stay quick.
 */
import { type Browser, type BrowserContext } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { axeViolations, ensureBuilt, launchChromium, signInContext } from '../helpers/browser';
import { signRatingLink } from '../../server/rating/rating-links';
import { SigningKeys } from '../../server/security/signing-keys';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';
import { ok } from '../helpers/graphql';
import { ratingOps } from '../helpers/operations';

jest.setTimeout(240_000);

const WAIT = 15_000;

describe('accessibility of every page (axe-core, WCAG 2.1 AA)', () => {
  let server: TestServer;
  let browser: Browser;
  let customerTicket: string;
  let adminTicket: string;
  let closedTicket: string;
  let ratedTicket: string;
  let ratingPath: string;
  const customer = {
    email: 'ella@acme-legal.example',
    name: 'Ella Jansen',
    password: 'customer-pass-1',
    role: 'customer' as const,
    tenant: 'Acme Legal',
  };
  const other = {
    email: 'bas@bright-hr.example',
    name: 'Bas de Vries',
    password: 'customer-pass-2',
    role: 'customer' as const,
    tenant: 'Bright HR',
  };
  const admin = { email: 'sam@lex.example', name: 'Sam Lex', password: 'admin-pass-123', role: 'superadmin' as const };

  beforeAll(async () => {
    ensureBuilt('client');
    server = await startTestServer();
    for (const person of [customer, other, admin]) await createUser(server, person);
    const desk = api(server);
    const [ella, bas, sam] = await Promise.all([customer, other, admin].map((p) => signIn(server, p.email, p.password)));
    // Enough tickets for the status filter, every status, unread on both sides, links in messages.
    const subjects = [
      'PDF export is blank',
      'Invoice shows the wrong VAT',
      'How do I add a colleague?',
      'Holiday allowance',
      'Search misses old files',
      'Billing address',
      'Termination letter',
    ];
    const tickets = [];
    for (const subject of subjects)
      tickets.push(await desk.createTicket(ella, { subject, message: `${subject}.\nSee https://docs.lex.example/help/${subject.length}` }));
    await desk.reply(
      sam,
      tickets[0].id,
      'Could you mail a screenshot to support@lex.example? See https://docs.lex.example/help/exports/pdf-troubleshooting?lang=en',
    );
    await desk.reply(ella, tickets[0].id, 'Here it is.');
    await desk.reply(sam, tickets[1].id, 'A corrected invoice follows this week.');
    await desk.setStatus(sam, tickets[2].id, 'IN_PROGRESS');
    await desk.close(ella, tickets[3].id);
    await desk.createTicket(bas, { subject: 'Cannot sign in on my phone' });
    customerTicket = tickets[0].id;
    adminTicket = tickets[1].id;
    // A closed ticket asks its customer for a rating; a rated one shows it to the team; a rating link's page.
    closedTicket = tickets[3].id;
    await desk.setStatus(sam, tickets[5].id, 'CLOSED');
    await ok(server, ratingOps.rateTicket, { id: tickets[5].id, score: 4, comment: 'Quick and clear.' }, ella);
    ratedTicket = tickets[5].id;
    const [{ closed_at: closedAt, user_id: userId }] = await server.sql(`SELECT closed_at, user_id FROM support_tickets WHERE id = $1`, [
      tickets[3].id,
    ]);
    const token = signRatingLink(await new SigningKeys(server.system).key('rating-links'), {
      ticketId: tickets[3].id,
      userId,
      closedAt,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    ratingPath = `/email/rate/${token}?score=4`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  type Who = typeof customer | typeof admin | null;
  /** Each page, who sees it, and what shows once it has loaded. */
  const pages: { name: string; who: () => Who; path: () => string; ready: string }[] = [
    { name: 'sign-in', who: () => null, path: () => '/', ready: 'input[type="password"]' },
    { name: '/support', who: () => customer, path: () => '/support', ready: '[data-testid="ticket-card"]' },
    { name: '/support/new', who: () => customer, path: () => '/support/new', ready: 'form textarea' },
    { name: 'customer ticket', who: () => customer, path: () => `/support/${customerTicket}`, ready: '[data-testid="reply"]' },
    { name: '/admin/support', who: () => admin, path: () => '/admin/support', ready: '[data-testid="ticket-row"]' },
    { name: 'admin ticket', who: () => admin, path: () => `/admin/support/${adminTicket}`, ready: '[data-testid="reply"]' },
    { name: 'canned replies', who: () => admin, path: () => '/admin/support/canned-replies', ready: 'main h1' },
    { name: 'reports', who: () => admin, path: () => '/admin/support/reports?days=7', ready: '.day-chart canvas' },
    { name: 'rating prompt', who: () => customer, path: () => `/support/${closedTicket}`, ready: '.rating__options' },
    { name: 'admin rated ticket', who: () => admin, path: () => `/admin/support/${ratedTicket}`, ready: '.rating--done' },
    { name: 'rating link page', who: () => null, path: () => ratingPath, ready: 'form button' },
  ];

  const contexts = new Map<string, BrowserContext>();
  async function contextFor(who: Who, colorScheme: 'light' | 'dark'): Promise<BrowserContext> {
    const key = `${who?.email ?? 'nobody'}:${colorScheme}`;
    let context = contexts.get(key);
    if (!context) {
      context = await browser.newContext({ locale: 'en-GB', colorScheme, reducedMotion: 'reduce' });
      if (who) await signInContext(context, server.origin, who.email, who.password);
      contexts.set(key, context);
    }
    return context;
  }

  const runs = pages.flatMap((p) => [
    { ...p, width: 1280, colorScheme: 'light' as const },
    { ...p, width: 375, colorScheme: 'light' as const },
    { ...p, width: 1280, colorScheme: 'dark' as const },
  ]);

  it.each(runs)('$name at $width px ($colorScheme) has no violations', async ({ who, path: pathname, ready, width, colorScheme }) => {
    const context = await contextFor(who(), colorScheme);
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.goto(`${server.origin}${pathname()}`);
      await page.locator(ready).first().waitFor({ timeout: WAIT });
      // Relative times, counts and live state settle.
      await page.waitForTimeout(300);
      const violations = await axeViolations(page);
      const report = violations.flatMap((v) =>
        v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}\n  ${n.failureSummary ?? ''}`),
      );
      expect(report).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
