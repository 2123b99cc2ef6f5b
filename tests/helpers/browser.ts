import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
const say = (line: string) => process.stdout.write(`[e2e] ${line}\n`);

/** Debian's chromium; installed through apt when missing (never downloaded by playwright). */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  say("no Chromium found: installing Debian's chromium with apt-get");
  execSync('apt-get update && apt-get install -y chromium', { stdio: 'inherit' });
  if (!existsSync('/usr/bin/chromium')) throw new Error('Chromium is not installed and could not be installed with apt-get');
  return '/usr/bin/chromium';
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Jest sets NODE_ENV=test, which Vite would follow into React's and Apollo's development builds. */
const productionBuild = () => ({ ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' });

/** The server serves dist/client and dist/playground; builds the one a test needs when it is not there yet. */
export function ensureBuilt(part: 'client' | 'playground'): void {
  if (existsSync(path.join(ROOT, 'dist', part, 'index.html'))) return;
  say(`no dist/${part}: building it (npm run build:${part})`);
  execFileSync('npm', ['run', `build:${part}`], { cwd: ROOT, stdio: 'inherit', env: productionBuild() });
}

/**
 * Builds the web app as it is now into `outDir` (a server serves it with CLIENT_DIR): for tests that
 * measure the build, which must not read a dist/client left from older code.
 */
export function buildClientInto(outDir: string): void {
  say(`building the web app into ${outDir}`);
  execFileSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: productionBuild(),
  });
}

/** Signs a browser context in through the API (the session cookie lands in the context), without the sign-in page. */
export async function signInContext(context: BrowserContext, origin: string, email: string, password: string): Promise<void> {
  const response = await context.request.post(`${origin}/graphql`, {
    headers: { 'content-type': 'application/json' },
    data: {
      query: 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
      variables: { email, password },
    },
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (!response.ok() || body.errors) throw new Error(`sign-in of ${email} failed: ${JSON.stringify(body)}`);
}

/**
 * A page of its own browser context (1280 × 900, English unless `options` say otherwise), signed in
 * as `person` through the API; its uncaught errors are added to `errors`, named by `who`, for the
 * test to check after each case.
 */
export async function openSignedInPage(
  browser: Browser,
  origin: string,
  person: { email: string; password: string },
  who: string,
  errors: string[],
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...options });
  await signInContext(context, origin, person.email, person.password);
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${who}: ${error.message}`));
  return page;
}

/** Signs a page in through the sign-in form and waits for the app. */
export async function signInPage(page: Page, origin: string, email: string, password: string, timeout = 15_000): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel('Email').waitFor({ timeout });
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /Sign out|Uitloggen/ }).waitFor({ timeout });
}

/** Full-page screenshots at 1280 and 375 px wide, as `<dir>/<name>-<width>.png`; the page keeps its size. */
export async function screenshots(page: Page, dir: string, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    // from the top: a full-page shot of a scrolled page draws the sticky top bar in the middle
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's WCAG 2.0 and 2.1 A and AA violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated rather than added as a <script>: the app's CSP (script-src 'self') refuses inline scripts.
  await page.evaluate(readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      // experimental in axe, so named: a control's visible words must start its accessible name (2.5.3)
      rules: { 'label-content-name-mismatch': { enabled: true } },
    });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  });
}

/** Fails the test with axe-core's findings on the page as it is now. */
export async function expectNoAxeViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  if (violations.length) process.stdout.write(`[axe] ${what}:\n${JSON.stringify(violations, null, 2)}\n`);
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Switches the app's language with the top bar's picker and waits for the page to follow. */
export async function setLanguage(page: Page, locale: 'en' | 'nl') {
  await page.locator('.topbar .lang-switch__select').selectOption(locale);
  await page.waitForFunction(
    (l) => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === l,
    locale,
  );
}
