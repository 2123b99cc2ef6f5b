/**
 * Attachments in real Chromium against the real server: a customer pastes a screenshot into a new
 * ticket, an SVG is refused with one clear message, the Lex team sees a screenshot pasted into a
 * reply appear live as a thumbnail and opens it large (Esc closes it, focus returns); a ticket of
 * 20 images loads their thumbnails only, and an original only when it is opened. Screenshots at
 * 1280 px and 375 px go to tests/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { createUser, signIn as signInByApi } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { ops } from '../helpers/operations';
import { ensureBuilt, launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { uploaded } from '../helpers/uploads';

jest.setTimeout(180_000);

const ARTIFACTS = path.join(__dirname, 'artifacts');
const WAIT = 15_000;

async function shot(page: Page, name: string): Promise<void> {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Pastes a file into the focused-to-be element, as a screenshot from the clipboard arrives. */
async function paste(page: Page, selector: string, file: { name: string; type: string; content: 'png' | string }) {
  await page.locator(selector).evaluate(async (element, { name, type, content }) => {
    const g = globalThis as any;
    let blob: Blob;
    if (content === 'png') {
      const canvas = g.document.createElement('canvas');
      canvas.width = 900;
      canvas.height = 500;
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#f4f6fb';
      ctx.fillRect(0, 0, 900, 500);
      ctx.fillStyle = '#c62828';
      ctx.font = 'bold 48px sans-serif';
      ctx.fillText('Error 500: export failed', 60, 260);
      blob = await new Promise<Blob>((resolve) => canvas.toBlob(resolve, 'image/png'));
    } else blob = new Blob([content], { type });
    const data = new g.DataTransfer();
    data.items.add(new g.File([blob], name, { type }));
    element.dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, file);
}

async function signIn(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: WAIT });
}

describe('attachments in the browser', () => {
  let server: TestServer;
  let browser: Browser;
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
    for (const person of [customer, admin]) await createUser(server, person);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('carries a pasted screenshot from a new ticket and a reply to the team, live', async () => {
    const customerPage = await (await browser.newContext()).newPage();
    const adminPage = await (await browser.newContext()).newPage();
    for (const page of [customerPage, adminPage]) page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(customerPage, server.origin, customer.email, customer.password);
    await signIn(adminPage, server.origin, admin.email, admin.password);

    await customerPage.goto(`${server.origin}/support/new`);
    await customerPage.getByLabel('Subject').fill('Export fails with error 500');
    await customerPage.getByLabel('Category').selectOption({ label: 'Technical' });
    await customerPage.getByLabel('Message').fill('Here is a screenshot of the error.');
    await paste(customerPage, 'textarea[name="message"]', { name: 'screenshot.png', type: 'image/png', content: 'png' });
    await paste(customerPage, 'textarea[name="message"]', {
      name: 'logo.svg',
      type: 'image/svg+xml',
      content: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    });
    await customerPage.getByText('logo.svg is an SVG image, which cannot be attached').waitFor({ timeout: WAIT });
    await customerPage.locator('.file-chip--done', { hasText: 'screenshot.png' }).waitFor({ timeout: WAIT });
    await shot(customerPage, 'attachments-new-ticket');
    await customerPage.getByRole('button', { name: 'Create ticket' }).click();
    await customerPage.getByRole('button', { name: 'Open screenshot.png' }).waitFor({ timeout: WAIT });
    const ticketUrl = new URL(customerPage.url());

    // The team opens the ticket; the customer's next screenshot appears there without a reload.
    await adminPage.goto(`${server.origin}/admin${ticketUrl.pathname}`);
    await adminPage.getByRole('button', { name: 'Open screenshot.png' }).waitFor({ timeout: WAIT });
    await customerPage.getByLabel('Your reply').fill('And this one after the retry.');
    await paste(customerPage, 'textarea[name="reply"]', { name: 'retry.png', type: 'image/png', content: 'png' });
    await customerPage.locator('.file-chip--done', { hasText: 'retry.png' }).waitFor({ timeout: WAIT });
    await customerPage.getByRole('button', { name: 'Send reply' }).click();
    const thumbnail = adminPage.getByRole('button', { name: 'Open retry.png' });
    await thumbnail.waitFor({ timeout: WAIT });
    // The bubble can appear before its thumbnail has arrived: wait for the image's load (or error).
    const thumbnailWidth = (img: any) =>
      img.complete
        ? img.naturalWidth
        : new Promise<number>((resolve) => {
            img.addEventListener('load', () => resolve(img.naturalWidth), { once: true });
            img.addEventListener('error', () => resolve(0), { once: true });
          });
    expect(await thumbnail.locator('img').evaluate(thumbnailWidth)).toBe(320);
    await shot(adminPage, 'attachments-team-thumbnails');

    await thumbnail.click();
    const dialog = adminPage.getByRole('dialog', { name: 'retry.png' });
    await dialog.waitFor({ timeout: WAIT });
    await shot(adminPage, 'attachments-lightbox');
    await adminPage.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: WAIT });
    expect(await adminPage.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toBe('Open retry.png');
    expect(pageErrors).toEqual([]);
  });

  it('loads the thumbnails of a ticket of 20 images and no original until one is opened', async () => {
    const token = await signInByApi(server, customer.email, customer.password);
    const images = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        uploaded(server, token, {
          name: `shot-${String(i + 1).padStart(2, '0')}.png`,
          bytes: await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 12 * i, g: 90, b: 200 - 8 * i } } })
            .png()
            .toBuffer(),
        }),
      ),
    );
    // At most 10 files per message: the first message carries ten, a reply the other ten.
    const { createTicket } = await ok(
      server,
      ops.createTicket,
      { input: { subject: 'Twenty screenshots', category: 'TECHNICAL', message: 'The first ten', attachmentIds: images.slice(0, 10) } },
      token,
    );
    await ok(
      server,
      ops.replyWithAttachments,
      { input: { ticketId: createTicket.id, message: 'And ten more', attachmentIds: images.slice(10) } },
      token,
    );

    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const requested: string[] = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/thumbnails/') || pathname.startsWith('/attachments/')) requested.push(pathname);
    });
    await signIn(page, server.origin, customer.email, customer.password);
    await page.goto(`${server.origin}/support/${createTicket.id}`);
    await page.getByRole('button', { name: 'Open shot-20.png' }).waitFor({ timeout: WAIT });
    // Down the whole conversation and back, so that every lazy image has had its turn.
    const thumbnailsShown = () =>
      page.locator('.thumb img').evaluateAll((imgs: any[]) => imgs.filter((img) => img.complete && img.naturalWidth === 320).length);
    await page.evaluate(() => (globalThis as any).window.scrollTo(0, (globalThis as any).document.body.scrollHeight));
    await page.evaluate(() => (globalThis as any).window.scrollTo(0, 0));
    for (const end = Date.now() + WAIT; (await thumbnailsShown()) < 20 && Date.now() < end;) await page.waitForTimeout(100);
    expect(await thumbnailsShown()).toBe(20);
    await page.waitForTimeout(500);
    const thumbnails = requested.filter((p) => p.startsWith('/thumbnails/'));
    expect(new Set(thumbnails)).toEqual(new Set(images.map((id) => `/thumbnails/${id}`)));
    expect(requested.filter((p) => p.startsWith('/attachments/'))).toEqual([]);

    await page.getByRole('button', { name: 'Open shot-07.png' }).click();
    const dialog = page.getByRole('dialog', { name: 'shot-07.png' });
    await dialog.waitFor({ timeout: WAIT });
    await dialog.locator('img').evaluate((img: any) => img.decode());
    expect(await dialog.locator('img').evaluate((img: any) => img.naturalWidth)).toBe(1200);
    expect(requested.filter((p) => p.startsWith('/attachments/'))).toEqual([`/attachments/${images[6]}/shot-07.png`]);
    expect(pageErrors).toEqual([]);
  });
});
