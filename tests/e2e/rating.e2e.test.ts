/**
 * Satisfaction ratings in real Chromium (docs/architecture.md §10): a rating from the closing email's
 * link (the mail caught by a real SMTP server, the link opened without signing in, the form sent) shows
 * on the team's ticket page; the in-app prompt on a closed ticket rates it and turns into "Your
 * rating", and the team's open page hears it live. Both are axe-clean. Screenshots at 1280 and 375 px,
 * English and Dutch, light and dark, go to SHOTS_DIR (default /work/shots/rating).
 */
import { type Browser, type Page } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { axeViolations, ensureBuilt, launchChromium, openSignedInPage, screenshots } from '../helpers/browser';
import { MailCatcher, ReceivedMail, settleFor, startMailCatcher } from '../helpers/mail';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';
import { ella, sam } from '../helpers/people';

jest.setTimeout(180_000);

const SHOTS = process.env.SHOTS_DIR ?? '/work/shots/rating';
const WAIT = 15_000;

async function expectNoAxeViolations(page: Page) {
  const report = (await axeViolations(page)).flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} at ${n.target.join(' ')}`));
  expect(report).toEqual([]);
}

describe('satisfaction ratings in the browser', () => {
  let server: TestServer;
  let catcher: MailCatcher;
  let browser: Browser;
  let desk: ReturnType<typeof api>;
  let ellaToken: string;
  let samToken: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt('client');
    catcher = await startMailCatcher();
    server = await startTestServer({
      jobs: true,
      env: { SMTP_URL: catcher.url, MAIL_FROM: 'Lex Support <support@lex.example>', INBOUND_DOMAIN: 'in.lex.example', NOTIFY_DELAY_S: '0' },
    });
    for (const person of [ella, sam]) await createUser(server, person);
    desk = api(server);
    ellaToken = await signIn(server, ella.email, ella.password);
    samToken = await signIn(server, sam.email, sam.password);
    browser = await launchChromium();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await catcher?.close();
  });

  /** A page in a context of its own, signed in as `who` when given; its uncaught errors fail the test. */
  async function newPage({ who, ...options }: { who?: typeof ella | typeof sam; locale?: string; colorScheme?: 'light' | 'dark' } = {}) {
    const settings = { reducedMotion: 'reduce' as const, ...options };
    if (who) return openSignedInPage(browser, server.origin, who, who.email, pageErrors, settings);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...settings });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`signed out: ${error.message}`));
    return page;
  }

  /** A ticket of Ella's, answered and closed by the team. */
  async function closedTicket(subject: string) {
    const ticket = await desk.createTicket(ellaToken, { subject, message: 'The payslip PDF is blank since Monday.' });
    await desk.reply(samToken, ticket.id, 'Fixed: the PDF template is back.');
    await desk.setStatus(samToken, ticket.id, 'CLOSED');
    return ticket;
  }

  async function closingMail(subject: string): Promise<ReceivedMail> {
    for (let i = 0; i < 600; i++, await settleFor(25)) {
      const found = catcher.received.find(
        (r) => r.to.includes(ella.email) && r.mail.subject?.includes(subject) && /\/email\/rate\//.test(r.mail.text ?? ''),
      );
      if (found) return found;
    }
    throw new Error(`no closing mail for ${subject}`);
  }
  const ratingLink = (mail: ReceivedMail, score: number) =>
    [...mail.mail.text!.matchAll(/https?:\/\/\S+\/email\/rate\/[A-Za-z0-9_-]{80}\?score=\d/g)].map((m) => m[0])[score - 1];

  it('rates from the emailed link without signing in, and the team page shows it', async () => {
    const ticket = await closedTicket('Blank payslip PDF');
    const link = ratingLink(await closingMail('Blank payslip PDF'), 4);

    const page = await newPage();
    await page.goto(link);
    await expect(page.getByRole('radio', { name: '4 Good' }).isChecked()).resolves.toBe(true);
    await screenshots(page, SHOTS, 'email-page-en');
    await expectNoAxeViolations(page);
    await page.getByLabel('Comment (optional)').fill('Quick and friendly, thank you.');
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByRole('heading', { name: 'Thank you for your rating!' }).waitFor({ timeout: WAIT });
    await screenshots(page, SHOTS, 'email-thanks-en');

    // The same link again: already rated.
    await page.goto(link);
    await page.getByRole('heading', { name: 'You already rated this ticket. Thank you!' }).waitFor({ timeout: WAIT });

    const team = await newPage({ who: sam });
    await team.goto(`${server.origin}/admin/support/${ticket.id}`);
    const rating = team.getByRole('region', { name: 'Customer rating' });
    await rating.waitFor({ timeout: WAIT });
    await expect(rating.textContent()).resolves.toContain('4 of 5: Good');
    await expect(rating.textContent()).resolves.toContain('Quick and friendly, thank you.');
    await screenshots(team, SHOTS, 'team-rating-en');
    await expectNoAxeViolations(team);
  });

  it('shows the emailed rating page in Dutch, and in dark mode', async () => {
    await server.sql(`UPDATE users SET locale = 'nl' WHERE email = $1`, [ella.email]);
    try {
      await closedTicket('Vakantiegeld ontbreekt');
      const link = ratingLink(await closingMail('Vakantiegeld ontbreekt'), 5);
      const page = await newPage({ locale: 'nl-NL' });
      await page.goto(link);
      await expect(page.getByRole('radio', { name: '5 Uitstekend' }).isChecked()).resolves.toBe(true);
      await screenshots(page, SHOTS, 'email-page-nl');
      const dark = await newPage({ locale: 'nl-NL', colorScheme: 'dark' });
      await dark.goto(link);
      await dark.getByRole('button', { name: 'Beoordeling versturen' }).waitFor({ timeout: WAIT });
      await screenshots(dark, SHOTS, 'email-page-nl-dark');
      await expectNoAxeViolations(dark);
    } finally {
      await server.sql(`UPDATE users SET locale = 'en' WHERE email = $1`, [ella.email]);
    }
  });

  it('rates in the app from the prompt on a closed ticket; the team hears it live', async () => {
    const ticket = await closedTicket('Holiday allowance missing');
    const team = await newPage({ who: sam });
    await team.goto(`${server.origin}/admin/support/${ticket.id}`);
    await team.locator('[data-testid="reply"]').first().waitFor({ timeout: WAIT });

    const customer = await newPage({ who: ella });
    await customer.goto(`${server.origin}/support/${ticket.id}`);
    const prompt = customer.getByRole('region', { name: 'How did we do?' });
    await prompt.waitFor({ timeout: WAIT });
    await screenshots(customer, SHOTS, 'prompt-en');
    await expectNoAxeViolations(customer);

    // Sending without a score says so, on the group.
    await customer.getByRole('button', { name: 'Send rating' }).click();
    await customer.getByText('Choose a score from 1 to 5.').waitFor({ timeout: WAIT });
    // Arrows move within the radio group, as for any radio buttons.
    await customer.getByRole('radio', { name: '3 Okay' }).check();
    await customer.keyboard.press('ArrowRight');
    await expect(customer.getByRole('radio', { name: '4 Good' }).isChecked()).resolves.toBe(true);
    await customer.getByRole('radio', { name: '5 Excellent' }).check();
    await customer.getByLabel('Comment (optional)').fill('Solved the same day.');
    await customer.getByRole('button', { name: 'Send rating' }).click();
    const done = customer.getByRole('region', { name: 'Your rating' });
    await done.waitFor({ timeout: WAIT });
    await expect(done.textContent()).resolves.toContain('5 of 5: Excellent');
    await screenshots(customer, SHOTS, 'rated-en');
    await expectNoAxeViolations(customer);

    const heard = team.getByRole('region', { name: 'Customer rating' });
    await heard.waitFor({ timeout: WAIT });
    await expect(heard.textContent()).resolves.toContain('Solved the same day.');
  });

  it('shows the prompt and the rating in Dutch, and in dark mode', async () => {
    await server.sql(`UPDATE users SET locale = 'nl' WHERE email = $1`, [ella.email]);
    try {
      const ticket = await closedTicket('Loonstrook klopt niet');
      const customer = await newPage({ who: ella, locale: 'nl-NL' });
      await customer.goto(`${server.origin}/support/${ticket.id}`);
      await customer.getByRole('region', { name: 'Hoe hebben we het gedaan?' }).waitFor({ timeout: WAIT });
      await screenshots(customer, SHOTS, 'prompt-nl');
      const dark = await newPage({ who: ella, locale: 'nl-NL', colorScheme: 'dark' });
      await dark.goto(`${server.origin}/support/${ticket.id}`);
      await dark.getByRole('radio', { name: '2 Slecht' }).check();
      await screenshots(dark, SHOTS, 'prompt-nl-dark');
      await expectNoAxeViolations(dark);
      await dark.getByRole('button', { name: 'Beoordeling versturen' }).click();
      await dark.getByRole('region', { name: 'Jouw beoordeling' }).waitFor({ timeout: WAIT });
      await screenshots(dark, SHOTS, 'rated-nl-dark');
      await server.sql(`UPDATE users SET locale = 'nl' WHERE email = $1`, [sam.email]);
      const team = await newPage({ who: sam, locale: 'nl-NL' });
      await team.goto(`${server.origin}/admin/support/${ticket.id}`);
      await team.getByRole('region', { name: 'Beoordeling van de klant' }).waitFor({ timeout: WAIT });
      await screenshots(team, SHOTS, 'team-rating-nl');
    } finally {
      await server.sql(`UPDATE users SET locale = 'en' WHERE email = ANY($1)`, [[ella.email, sam.email]]);
    }
  });
});
