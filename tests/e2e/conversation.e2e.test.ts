/**
 * The conversation view in real Chromium against the real server (docs/architecture.md §9): one sender's
 * consecutive messages under one name and decorative initials avatar, day separators, the timeline's
 * events as lines (the customer sees "Lex team" and never an assignment; the team sees names), lines
 * arriving live; a toast with Undo after a status change; on a phone a compact header, one scroller and
 * the composer on screen. Screenshots at 1280 and 375 px in en and nl, light and dark.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { axeViolations, ensureBuilt, launchChromium, openSignedInPage } from '../helpers/browser';
import { ok } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { api, ops } from '../helpers/support-api';
import { ella, sam } from '../helpers/people';

jest.setTimeout(240_000);

const WAIT = 15_000;
const SHOTS = process.env.SHOTS_DIR ?? '/work/shots/conversation';
const HOUR = 3_600_000;
/**
 * What may come above the conversation on a 375 × 812 phone, the top bar included: the top bar (60),
 * the back link, number and status, a two-line subject, the status button and the folded details,
 * with their spacing, are about 270 px; 300 leaves room for fonts and a longer Dutch button. It was 470.
 */
const PHONE_HEADER_MAX = 300;

type G = typeof globalThis & { document: any; innerHeight: number; scrollTo(x: number, y: number): void; getComputedStyle(e: any): any };

/** Pixels above the conversation card at the top of the page: the header as a reader meets it. */
const headerHeight = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as G;
    g.scrollTo(0, 0);
    return Math.round(g.document.querySelector('.ticket-chat').getBoundingClientRect().top);
  });

/** Elements other than the page itself that scroll their content (a second scroller). */
const innerScrollers = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as G;
    return [...g.document.querySelectorAll('body *')]
      .filter((el: any) => /(auto|scroll)/.test(g.getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 1)
      .map((el: any) => `${el.tagName.toLowerCase()}.${el.className}`);
  });

/** Whether the composer's box is fully on screen, wherever the page is scrolled to. */
const composerOnScreen = (page: Page, scroll: 'top' | 'middle') =>
  page.evaluate((where) => {
    const g = globalThis as G;
    const root = g.document.scrollingElement;
    g.scrollTo(0, where === 'top' ? 0 : Math.round((root.scrollHeight - g.innerHeight) / 2));
    const box = g.document.querySelector('.reply-form textarea').getBoundingClientRect();
    return box.top >= 0 && box.bottom <= g.innerHeight;
  }, scroll);

/**
 * What a reader sees at 1280 and 375 px: the screen at the conversation's end (where a ticket opens)
 * and at the top. Not full-page shots: those paint the docked composer over the middle of the page.
 */
async function viewportShots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    for (const where of ['end', 'top'] as const) {
      await page.evaluate((w) => {
        const g = globalThis as G;
        g.scrollTo(0, w === 'top' ? 0 : g.document.scrollingElement.scrollHeight);
      }, where);
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${where}-${width}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const texts = (page: Page, testId: string) => page.getByTestId(testId).allInnerTexts();

describe('the conversation view', () => {
  let server: TestServer;
  let browser: Browser;
  let customer: Page;
  let admin: Page;
  let longTicket: string;
  let shortTicket: string;
  const pageErrors: string[] = [];
  const anna = { email: 'anna@lex.example', name: 'Anna Bakker', password: 'admin-pass-456', role: 'superadmin' as const };

  beforeAll(async () => {
    ensureBuilt('client');
    server = await startTestServer();
    await createUser(server, ella);
    await createUser(server, sam);
    const annaId = (await createUser(server, anna)).id;
    const desk = api(server);
    const [ellaToken, samToken, annaToken] = await Promise.all([ella, sam, anna].map((p) => signIn(server, p.email, p.password)));

    // Three days ago: Ella writes twice, Sam gives the ticket to Anna. Yesterday: Anna answers twice,
    // Ella closes. Today: Ella's reply reopens it (the times are moved back below).
    const ticket = await desk.createTicket(ellaToken, { subject: 'PDF export is blank', message: 'Since Monday every export is empty.' });
    longTicket = ticket.id;
    await desk.reply(ellaToken, longTicket, 'Also in Firefox.');
    await ok(server, ops.assignTicket, { id: longTicket, assigneeId: annaId }, samToken);
    await desk.reply(annaToken, longTicket, 'Which version of Lex do you use?');
    await desk.reply(annaToken, longTicket, 'You find it under Settings → About.');
    await desk.close(ellaToken, longTicket);
    await desk.reply(ellaToken, longTicket, 'It is back today, sorry: version 4.2.');

    const now = Date.now();
    const replyTimes = [now - 72 * HOUR, now - 72 * HOUR + 60_000, now - 24 * HOUR - 60_000, now - 24 * HOUR, now - 60_000];
    // CREATED, ASSIGNED, OPEN→ANSWERED (Anna's reply), closed by Ella, CLOSED→OPEN (Ella's reply)
    const eventTimes = [replyTimes[0], now - 72 * HOUR + 120_000, replyTimes[2], now - 24 * HOUR + 60_000, replyTimes[4]];
    const at = (ms: number) => new Date(ms).toISOString();
    const replies = await server.sql<{ id: string }>(`SELECT id FROM support_replies WHERE ticket_id = $1 ORDER BY created_at, id`, [
      longTicket,
    ]);
    const events = await server.sql<{ id: string }>(`SELECT id FROM ticket_events WHERE ticket_id = $1 ORDER BY seq`, [longTicket]);
    expect([replies.length, events.length]).toEqual([5, 5]);
    for (const [i, r] of replies.entries())
      await server.sql(`UPDATE support_replies SET created_at = $2 WHERE id = $1`, [r.id, at(replyTimes[i])]);
    for (const [i, e] of events.entries())
      await server.sql(`UPDATE ticket_events SET created_at = $2 WHERE id = $1`, [e.id, at(eventTimes[i])]);
    await server.sql(`UPDATE support_tickets SET created_at = $2, updated_at = $3 WHERE id = $1`, [
      longTicket,
      at(replyTimes[0]),
      at(replyTimes[4]),
    ]);

    shortTicket = (await desk.createTicket(ellaToken, { subject: 'Invoice shows the wrong VAT', message: 'Twice this month.' })).id;

    browser = await launchChromium();
    const inAmsterdam = { timezoneId: 'Europe/Amsterdam' };
    customer = await openSignedInPage(browser, server.origin, ella, 'customer', pageErrors, inAmsterdam);
    admin = await openSignedInPage(browser, server.origin, sam, 'team', pageErrors, inAmsterdam);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it('groups, avatars, day separators and lines for the customer: "Lex team", "You", no assignment', async () => {
    await customer.goto(`${server.origin}/support/${longTicket}`);
    await customer.getByTestId('reply').first().waitFor({ timeout: WAIT });

    const days = await texts(customer, 'day');
    expect(days).toHaveLength(3);
    expect(days[0]).toMatch(/^[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+( \d{4})?$/); // "Friday 27 November"
    expect(days.slice(1)).toEqual(['Yesterday', 'Today']);

    const groups = customer.getByTestId('group');
    expect(await groups.count()).toBe(3);
    expect(await groups.nth(0).getByTestId('reply').count()).toBe(2);
    expect(await groups.nth(1).getByTestId('reply').count()).toBe(2);
    // one visible name per group; the initials are hidden from screen readers, every bubble is named for them
    expect(await groups.nth(0).locator('.bubble__sender').allInnerTexts()).toEqual(['Ella Jansen']);
    expect(await groups.nth(1).locator('.avatar').getAttribute('aria-hidden')).toBe('true');
    expect(await groups.nth(1).locator('.avatar').innerText()).toBe('AB');
    expect(await groups.nth(1).getByTestId('reply').nth(1).locator('.sr-only').first().textContent()).toBe('Anna Bakker');

    const lines = (await texts(customer, 'event')).map((line) => line.replace(/\s+\d{2}:\d{2}$/, ''));
    expect(lines).toEqual(['You closed the ticket', 'You reopened the ticket']);
    const page = await customer.content();
    expect(page).not.toContain('assigned');
    expect(page).not.toContain('Sam Lex');
    expect(await axeViolations(customer)).toEqual([]);
  });

  it('shows the team the same conversation with names and the assignment', async () => {
    await admin.goto(`${server.origin}/admin/support/${longTicket}`);
    await admin.getByTestId('reply').first().waitFor({ timeout: WAIT });
    const lines = (await texts(admin, 'event')).map((line) => line.replace(/\s+\d{2}:\d{2}$/, ''));
    expect(lines).toEqual(['Sam Lex assigned this to Anna Bakker', 'Ella Jansen closed the ticket', 'Ella Jansen reopened the ticket']);
    expect(await axeViolations(admin)).toEqual([]);
  });

  it('brings a new line to the customer live, as "Lex team", in the right place', async () => {
    await admin.getByRole('button', { name: 'Mark In Progress' }).click();
    await customer.getByTestId('event').filter({ hasText: 'Lex team marked this in progress' }).waitFor({ timeout: WAIT });
    const lines = await texts(customer, 'event');
    expect(lines[lines.length - 1]).toMatch(/^Lex team marked this in progress/);
    await admin.getByTestId('event').filter({ hasText: 'Sam Lex marked this in progress' }).waitFor({ timeout: WAIT });
  });

  it('says Dutch lines in Dutch', async () => {
    await customer.getByLabel('Language').selectOption('nl');
    await customer.getByTestId('day').filter({ hasText: 'Gisteren' }).waitFor({ timeout: WAIT });
    expect((await texts(customer, 'day')).slice(1)).toEqual(['Gisteren', 'Vandaag']);
    const lines = (await texts(customer, 'event')).map((line) => line.replace(/\s+\d{2}:\d{2}$/, ''));
    expect(lines).toEqual(['Je hebt het ticket gesloten', 'Je hebt het ticket heropend', 'Het Lex-team heeft dit in behandeling genomen']);
    await customer.getByLabel('Taal').selectOption('en');
  });

  it('tells a status change in a toast whose Undo sets the status back, keeping focus on the status area', async () => {
    await admin.goto(`${server.origin}/admin/support/${shortTicket}`);
    await admin.getByRole('button', { name: 'Mark Resolved' }).click();
    const toast = admin.getByTestId('toast');
    await toast.waitFor({ timeout: WAIT });
    expect(await toast.innerText()).toContain('Marked resolved; the ticket is closed.');
    expect(await admin.getByTestId('toast-region').getAttribute('aria-live')).toBe('polite');
    // no banner that stays
    expect(await admin.locator('.alert').count()).toBe(0);

    // the keyboard reaches Undo; focus on it holds the toast
    await admin.getByRole('button', { name: 'Undo' }).focus();
    await admin.waitForTimeout(8_000);
    expect(await toast.isVisible()).toBe(true);
    await admin.keyboard.press('Enter');
    await admin.getByRole('group', { name: 'Status: Open' }).waitFor({ timeout: WAIT });
    expect(await admin.evaluate(() => (globalThis as G).document.activeElement?.getAttribute('aria-label'))).toBe('Status: Open');
    expect(await toast.innerText()).toContain('Status set back to Open.');
    expect((await api(server).ticket(await signIn(server, sam.email, sam.password), shortTicket))?.status).toBe('OPEN');

    // on its own it goes after a few seconds
    await toast.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it("tells the customer's close in a toast without Undo (customers have no status buttons to go back with)", async () => {
    await customer.goto(`${server.origin}/support/${shortTicket}`);
    await customer.getByRole('button', { name: 'Close ticket' }).click();
    const toast = customer.getByTestId('toast');
    await toast.waitFor({ timeout: WAIT });
    expect(await toast.innerText()).toContain('Ticket closed.');
    expect(await toast.getByRole('button', { name: 'Undo' }).count()).toBe(0);
    expect(await axeViolations(customer)).toEqual([]);
  });

  it('on a phone: a compact header, the page the only scroller, the composer on screen', async () => {
    for (const page of [customer, admin]) {
      await page.setViewportSize({ width: 375, height: 812 });
      await page.goto(`${server.origin}${page === customer ? '/support' : '/admin/support'}/${longTicket}`);
      await page.getByTestId('reply').first().waitFor({ timeout: WAIT });
      const height = await headerHeight(page);
      process.stdout.write(`[conversation] header at 375×812 (${page === customer ? 'customer' : 'team'}): ${height} px\n`);
      expect(height).toBeLessThanOrEqual(PHONE_HEADER_MAX);
      expect(await innerScrollers(page)).toEqual([]);
      expect(await composerOnScreen(page, 'top')).toBe(true);
      expect(await composerOnScreen(page, 'middle')).toBe(true);

      // the details fold open
      await page.getByText('Details', { exact: true }).click();
      await page.getByText('Category', { exact: true }).waitFor({ timeout: WAIT });
      expect(await axeViolations(page)).toEqual([]);
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await composerOnScreen(page, 'top')).toBe(true);
      expect(await innerScrollers(page)).toEqual([]);
    }
  });

  it('looks finished at 1280 and 375 px, in English and Dutch, light and dark', async () => {
    for (const [who, page, address] of [
      ['customer', customer, `/support/${longTicket}`],
      ['team', admin, `/admin/support/${longTicket}`],
    ] as const) {
      for (const lang of ['en', 'nl'] as const) {
        await page.goto(`${server.origin}${address}`);
        await page.getByTestId('reply').first().waitFor({ timeout: WAIT });
        await page.getByLabel(/^(Language|Taal)$/).selectOption(lang);
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await viewportShots(page, `${who}-${lang}-${scheme}`);
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }
      await page.getByLabel('Taal').selectOption('en');
    }
  });
});
