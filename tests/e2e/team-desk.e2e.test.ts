/**
 * The team desk end to end (docs/architecture.md §8), in real headless Chromium against the real
 * server: two Lex team members and a customer on one ticket at once. One assigns, one writes a note
 * the customer never sees, the customer sees "Lex team is typing…" only while a public reply is
 * typed, the second team member is warned before a reply that crosses the first one's, and a canned
 * reply goes into the composer filled in. Screenshots (1280 and 375 px, English and Dutch) go to
 * tests/e2e/artifacts/; axe-core checks the new screens.
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

const people = {
  customer: {
    email: 'ella@acme-legal.example',
    name: 'Ella Jansen',
    password: 'customer-pass-1',
    role: 'customer' as const,
    tenant: 'Acme Legal',
  },
  maria: { email: 'maria@lex.example', name: 'Maria Kok', password: 'maria-pass-123', role: 'superadmin' as const },
  sam: { email: 'sam@lex.example', name: 'Sam Lex', password: 'sam-pass-1234', role: 'superadmin' as const },
};

const shot = (page: Page, name: string) => screenshots(page, ARTIFACTS, `team-desk-${name}`);
const bubbles = (page: Page, text: string) => page.getByTestId('reply').filter({ hasText: text });
const typingLines = (page: Page) => page.getByTestId('typing');
const composer = (page: Page) => page.locator('textarea[name="reply"]');
const row = (page: Page, text: string) => page.getByTestId('ticket-row').filter({ hasText: text });
const assigneeCell = (page: Page) => row(page, 'Holiday pay is wrong in March').getByTestId('row-assignee');
const chosenAssignee = (page: Page, name: string) =>
  page.getByRole('combobox', { name: 'Assignee' }).locator('option:checked').filter({ hasText: name });

/** The number on a view tab ("Mine", "Unassigned"), without its screen-reader words. */
async function waitForViewCount(page: Page, view: 'mine' | 'unassigned', expected: number) {
  await page.waitForFunction(
    ([v, n]) => {
      const doc = (
        globalThis as unknown as { document: { querySelector(s: string): { childNodes: { textContent: string | null }[] } | null } }
      ).document;
      return doc.querySelector(`[data-testid="view-${v}"] .view__count`)?.childNodes[0]?.textContent?.trim() === String(n);
    },
    [view, expected] as const,
    { timeout: WAIT },
  );
}

describe('the team desk in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let customer: Page;
  let maria: Page;
  let sam: Page;
  let ticketPath: string;
  let ticketNumber: number;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt('client');
    server = await startTestServer();
    for (const person of Object.values(people)) await createUser(server, person);
    const token = await signInApi(server, people.customer.email, people.customer.password);
    const ticket = await api(server).createTicket(token, {
      subject: 'Holiday pay is wrong in March',
      category: 'BILLING',
      message: 'The March payslip shows 12 days of holiday pay, it should be 14.',
    });
    ticketPath = `/support/${ticket.id}`;
    ticketNumber = ticket.ticketNumber;

    browser = await launchChromium();
    [customer, maria, sam] = await Promise.all(
      (['customer', 'maria', 'sam'] as const).map((who) => openSignedInPage(browser, server.origin, people[who], who, pageErrors)),
    );
    await Promise.all([customer, maria, sam].map((page) => page.goto(`${server.origin}/`)));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it('shows "Mine" and "Unassigned" on the dashboard, and an assignment moves them live', async () => {
    await waitForViewCount(sam, 'unassigned', 1);
    await waitForViewCount(sam, 'mine', 0);
    await assigneeCell(sam).filter({ hasText: 'Unassigned' }).waitFor({ timeout: WAIT });

    await customer.goto(`${server.origin}${ticketPath}`);
    await bubbles(customer, 'The March payslip').waitFor({ timeout: WAIT });
    await maria.goto(`${server.origin}/admin${ticketPath}`);
    await bubbles(maria, 'The March payslip').waitFor({ timeout: WAIT });
    // the customer has the ticket open: the team sees them
    await maria.getByTestId('viewer').filter({ hasText: 'Ella Jansen (customer)' }).waitFor({ state: 'attached', timeout: WAIT });

    await maria.getByRole('button', { name: 'Assign to me' }).click();
    await chosenAssignee(maria, 'Maria Kok (you)').waitFor({ state: 'attached' });
    // Sam's dashboard follows without a reload
    await waitForViewCount(sam, 'unassigned', 0);
    await assigneeCell(sam).filter({ hasText: 'Maria Kok' }).waitFor({ timeout: WAIT });
    await sam.getByTestId('view-unassigned').click();
    await sam.getByRole('heading', { name: 'Every ticket has an owner' }).waitFor({ timeout: WAIT });
    expect(new URL(sam.url()).searchParams.get('view')).toBe('unassigned');
    await sam.getByTestId('view-all').click();
    await shot(sam, 'dashboard');
    await expectNoAxeViolations(sam, 'dashboard');
  });

  it('shows a colleague who the ticket is assigned to, live', async () => {
    await row(sam, 'Holiday pay is wrong in March').click();
    await chosenAssignee(sam, 'Maria Kok').waitFor({ state: 'attached', timeout: WAIT });
    // both team members see each other on the page
    await sam.getByTestId('viewer').filter({ hasText: 'Maria Kok' }).waitFor({ state: 'attached', timeout: WAIT });
    await maria.getByTestId('viewer').filter({ hasText: 'Sam Lex' }).waitFor({ state: 'attached', timeout: WAIT });

    await sam.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Sam Lex (you)' });
    await chosenAssignee(maria, 'Sam Lex').waitFor({ state: 'attached', timeout: WAIT });
    await maria.getByTestId('live-region').filter({ hasText: 'Assigned to Sam Lex.' }).waitFor({ state: 'attached', timeout: WAIT });
    await maria.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Maria Kok (you)' });
    await chosenAssignee(sam, 'Maria Kok').waitFor({ state: 'attached', timeout: WAIT });
  });

  it('writes an internal note the customer never sees; typing one is not shown to the customer', async () => {
    await maria.getByRole('radio', { name: 'Internal note' }).check();
    await maria.locator('form.reply-form--note').waitFor();
    expect(await composer(maria).getAttribute('placeholder')).toContain('The customer never sees it');

    const note = 'Checked payroll: the CAO gives 14 days. Correcting it.';
    const typing = composer(maria).pressSequentially(note, { delay: 60 });
    await typingLines(sam).filter({ hasText: 'Maria Kok is typing… (internal note)' }).waitFor({ timeout: WAIT });
    await shot(sam, 'ticket-typing-note');
    await typing;
    // the customer heard nothing of the note being typed
    expect(await typingLines(customer).count()).toBe(0);
    await shot(maria, 'composer-note');

    await maria.getByRole('button', { name: 'Add internal note' }).click();
    await bubbles(maria, note).waitFor({ timeout: WAIT });
    const onSam = bubbles(sam, note);
    await onSam.waitFor({ timeout: WAIT });
    expect(await onSam.getAttribute('data-internal')).toBe('true');
    await onSam.getByText('Internal note').waitFor();
    expect(await onSam.locator('.bubble').getAttribute('class')).toContain('bubble--note');

    // Never on the customer's page, live or after a reload.
    await customer.waitForTimeout(1_000);
    expect(await bubbles(customer, 'Checked payroll').count()).toBe(0);
    await customer.reload();
    await bubbles(customer, 'The March payslip').waitFor({ timeout: WAIT });
    expect(await bubbles(customer, 'Checked payroll').count()).toBe(0);
    expect(await customer.getByText('Internal note').count()).toBe(0);
  });

  it('shows the customer "Lex team is typing…" while a public reply is typed, and warns the colleague who replies after', async () => {
    // Sam starts on a reply before Maria's goes out
    await composer(sam).click();
    await maria.getByRole('radio', { name: 'Reply' }).check();
    const reply = 'Hello Ella, you are right: it should be 14 days. We are correcting your payslip.';
    const typing = composer(maria).pressSequentially(reply, { delay: 40 });
    const customerTyping = typingLines(customer);
    await customerTyping.waitFor({ timeout: WAIT });
    expect((await customerTyping.allTextContents()).map((s) => s.trim())).toEqual(['Lex team is typing…']);
    await typingLines(sam).filter({ hasText: 'Maria Kok is typing…' }).waitFor({ timeout: WAIT });
    await shot(customer, 'customer-team-typing');
    await shot(sam, 'ticket-note-and-typing');
    await typing;
    await maria.getByRole('button', { name: 'Send reply' }).click();
    await bubbles(customer, 'We are correcting your payslip').waitFor({ timeout: WAIT });
    // sending ends the typing at once
    await customerTyping.waitFor({ state: 'detached', timeout: WAIT });

    await bubbles(sam, 'We are correcting your payslip').waitFor({ timeout: WAIT });
    await composer(sam).fill('Hi Ella, I will look into your payslip.');
    await sam.getByRole('button', { name: 'Send reply' }).click();
    const warning = sam.getByTestId('collision');
    await warning.waitFor({ timeout: WAIT });
    expect((await warning.locator('p').textContent())?.trim()).toBe('Maria Kok replied just now. Send anyway?');
    expect(await bubbles(customer, 'I will look into your payslip').count()).toBe(0);
    await shot(sam, 'collision');
    await expectNoAxeViolations(sam, 'ticket page with the collision warning');

    // reviewing first keeps the words; sending anyway sends them
    await sam.getByRole('button', { name: 'Review first' }).click();
    await warning.waitFor({ state: 'detached' });
    expect(await composer(sam).inputValue()).toBe('Hi Ella, I will look into your payslip.');
    await composer(sam).fill('Hi Ella, my colleague Maria has it in hand.');
    await sam.getByRole('button', { name: 'Send reply' }).click();
    await bubbles(customer, 'my colleague Maria has it in hand').waitFor({ timeout: WAIT });
  });

  it('manages canned replies: errors inline, create, delete', async () => {
    await maria.getByRole('link', { name: '← All tickets' }).click();
    await waitForViewCount(maria, 'mine', 1);
    await maria.getByRole('link', { name: 'Canned replies' }).click();
    await maria.getByRole('heading', { name: 'Canned replies', level: 1 }).waitFor({ timeout: WAIT });
    await maria.getByRole('heading', { name: 'No canned replies yet' }).waitFor({ timeout: WAIT });

    await maria.getByRole('button', { name: 'New canned reply' }).click();
    await maria.getByRole('button', { name: 'Save' }).click();
    await maria.getByText('Enter a title.').waitFor();
    await maria.getByText('Enter the text of the reply.').waitFor();
    await maria.getByLabel('Title').fill('Welcome');
    await maria.getByLabel('Text').fill('Hello {{customer.nme}}, thanks for your question.');
    await maria.getByRole('button', { name: 'Save' }).click();
    await maria.getByText('{{customer.nme}} is not a variable.', { exact: false }).waitFor();
    await shot(maria, 'canned-replies-errors');
    await expectNoAxeViolations(maria, 'canned replies, form with errors');

    // the variable chips insert at the caret
    const text = maria.getByLabel('Text');
    await text.fill('Hello , thanks.');
    await text.evaluate((el) => (el as unknown as { setSelectionRange(a: number, b: number): void }).setSelectionRange(6, 6));
    await maria.getByRole('button', { name: 'Insert {{customer.firstName}}' }).click();
    expect(await text.inputValue()).toBe('Hello {{customer.firstName}}, thanks.');
    await text.fill('Hello {{customer.firstName}}, thanks for ticket #{{ticket.number}}. Kind regards, {{agent.name}}');
    await maria.getByRole('button', { name: 'Save' }).click();
    await maria.getByText('“Welcome” saved.').waitFor({ timeout: WAIT });

    await maria.getByRole('button', { name: 'New canned reply' }).click();
    await maria.getByLabel('Title').fill('Temporary');
    await maria.getByLabel('Text').fill('To be deleted');
    await maria.getByRole('button', { name: 'Save' }).click();
    await maria.getByTestId('canned-reply').filter({ hasText: 'Temporary' }).waitFor({ timeout: WAIT });
    await maria.getByRole('button', { name: 'Delete “Temporary”' }).click();
    await maria.getByText('Delete “Temporary” for the whole team?').waitFor();
    await maria.getByRole('button', { name: 'Delete', exact: true }).click();
    await maria.getByText('“Temporary” deleted.').waitFor({ timeout: WAIT });
    expect(await maria.getByTestId('canned-reply').count()).toBe(1);
    await shot(maria, 'canned-replies');
    await expectNoAxeViolations(maria, 'canned replies');
  });

  it('inserts a canned reply, filled in, by typing "/" in the composer', async () => {
    await maria.getByRole('link', { name: '← All tickets' }).click();
    await row(maria, 'Holiday pay is wrong in March').click();
    await composer(maria).click();
    await composer(maria).pressSequentially('Hi! /');
    const search = maria.getByRole('combobox', { name: 'Search canned replies' });
    await search.waitFor({ timeout: WAIT });
    expect(
      await search.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement),
    ).toBe(true);
    await search.pressSequentially('welc');
    await maria.getByRole('option', { name: /Welcome/ }).waitFor();
    await shot(maria, 'canned-picker');
    await expectNoAxeViolations(maria, 'ticket page with the canned-reply picker');
    await search.press('ArrowDown');
    await search.press('Enter');
    await search.waitFor({ state: 'detached' });
    expect(await composer(maria).inputValue()).toBe(`Hi! Hello Ella, thanks for ticket #${ticketNumber}. Kind regards, Maria Kok`);
    await maria.waitForFunction(
      () =>
        (
          globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }
        ).document.activeElement?.getAttribute('name') === 'reply',
    );

    // Escape closes the picker and keeps the slash as typed
    await composer(maria).fill('');
    await composer(maria).pressSequentially('/');
    await search.waitFor();
    await search.press('Escape');
    await search.waitFor({ state: 'detached' });
    expect(await composer(maria).inputValue()).toBe('/');
    await composer(maria).fill('');
  });

  it('shows the ticket page and the screens in Dutch', async () => {
    await expectNoAxeViolations(customer, 'customer ticket page');
    await setLanguage(sam, 'nl');
    await maria.getByRole('radio', { name: 'Internal note' }).check();
    const typing = composer(maria).pressSequentially('Interne check: loonstrook is aangepast.', { delay: 60 });
    await typingLines(sam).filter({ hasText: 'Maria Kok typt' }).waitFor({ timeout: WAIT });
    await shot(sam, 'ticket-nl');
    await typing;
    await composer(maria).fill('');
    await sam.getByRole('link', { name: '← Alle tickets' }).click();
    await sam.getByRole('button', { name: /Van mij/ }).waitFor({ timeout: WAIT });
    await shot(sam, 'dashboard-nl');
    await sam.getByRole('link', { name: 'Standaardantwoorden' }).click();
    await sam.getByRole('heading', { name: 'Standaardantwoorden', level: 1 }).waitFor({ timeout: WAIT });
    await sam.getByTestId('canned-reply').first().waitFor({ timeout: WAIT });
    await shot(sam, 'canned-replies-nl');
    await expectNoAxeViolations(sam, 'canned replies in Dutch');
    await setLanguage(sam, 'en');
  });
});
