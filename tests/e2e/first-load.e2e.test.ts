/**
 * The first load of /support on a phone, as Chromium receives it: the web app built as it is now,
 * served by the real server, measured with the DevTools protocol (bytes on the wire, headers
 * included, cache empty). Fails when the JavaScript grows past the budget, or arrives uncompressed,
 * or a customer's first load fetches a page it does not show. docs/architecture.md §9.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { createUser, signIn } from '../helpers/accounts';
import { buildClientInto, launchChromium, signInContext } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { api } from '../helpers/support-api';

jest.setTimeout(180_000);

/**
 * Compressed JavaScript of a customer's first load of /support, in bytes received. Issue 18 aimed at
 * 120 KB; the libraries alone (React DOM, Apollo Client, React Router, i18next, graphql-ws) are
 * 134 KB in brotli (README, "The web app on a phone"), so the budget holds what the app reached with a little room.
 * Raised from 158,000 when the lifecycle, ratings, triage and reports added their strings (both catalogs
 * load first) and documents: 155,583 → 159,274 bytes.
 */
const SUPPORT_JS_BUDGET = 162_000;

interface Received {
  url: string;
  type: string;
  bytes: number;
  encoding?: string;
}

describe('the first load of /support', () => {
  let server: TestServer;
  let browser: Browser;
  let clientDir: string;
  const customer = {
    email: 'ella@acme-legal.example',
    name: 'Ella Jansen',
    password: 'customer-pass-1',
    role: 'customer' as const,
    tenant: 'Acme Legal',
  };

  beforeAll(async () => {
    clientDir = mkdtempSync(path.join(tmpdir(), 'lex-client-'));
    buildClientInto(clientDir);
    server = await startTestServer({ env: { CLIENT_DIR: clientDir } });
    await createUser(server, customer);
    const token = await signIn(server, customer.email, customer.password);
    for (const subject of ['PDF export is blank', 'Invoice shows the wrong VAT', 'How do I add a colleague?']) {
      await api(server).createTicket(token, { subject });
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(clientDir, { recursive: true, force: true });
  });

  /** Everything a cold load of `path` receives, until the network is idle. */
  async function load(pathname: string): Promise<Received[]> {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'en-GB' });
    await signInContext(context, server.origin, customer.email, customer.password);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const seen = new Map<string, Received>();
    cdp.on('Network.responseReceived', (e) => {
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      seen.set(e.requestId, { url: e.response.url, type: e.type, bytes: 0, encoding: headers['content-encoding'] });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = seen.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    await page.goto(`${server.origin}${pathname}`, { waitUntil: 'networkidle' });
    await page.getByRole('heading', { name: 'Support' }).waitFor();
    await context.close();
    return [...seen.values()];
  }

  it('receives its JavaScript compressed, within the budget, and no page it does not show', async () => {
    const received = await load('/support');
    const scripts = received.filter((r) => r.type === 'Script');
    const total = scripts.reduce((sum, r) => sum + r.bytes, 0);
    process.stdout.write(
      `[first load] /support: ${total} bytes of JavaScript in ${scripts.length} files (budget ${SUPPORT_JS_BUDGET})\n` +
        scripts.map((s) => `  ${path.basename(s.url)} ${s.bytes} ${s.encoding ?? 'identity'}\n`).join(''),
    );
    expect(total).toBeLessThanOrEqual(SUPPORT_JS_BUDGET);
    // Every file but one too small to gain from it (client/vite-precompress.ts) arrives in brotli.
    expect(scripts.filter((s) => s.bytes > 1024 && s.encoding !== 'br')).toEqual([]);
    const names = scripts.map((s) => path.basename(s.url));
    for (const page of ['AdminDashboardPage', 'AdminTicketPage', 'TicketPage', 'NewTicketPage', 'SignInPage']) {
      expect(names.filter((n) => n.startsWith(`${page}-`))).toEqual([]);
    }
  });

  it('caches hashed files for a year and asks for index.html again every time', async () => {
    const html = await fetch(`${server.origin}/support`, { headers: { 'accept-encoding': 'br' } });
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('vary')).toMatch(/Accept-Encoding/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())![1];
    const asset = await fetch(`${server.origin}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
  });
});
