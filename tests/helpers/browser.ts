import { execFileSync, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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

/** The server serves dist/client and dist/playground; builds the one a test needs when it is not there yet. */
export function ensureBuilt(part: 'client' | 'playground'): void {
  if (existsSync(path.join(ROOT, 'dist', part, 'index.html'))) return;
  say(`no dist/${part}: building it (npm run build:${part})`);
  execFileSync('npm', ['run', `build:${part}`], { cwd: ROOT, stdio: 'inherit' });
}
