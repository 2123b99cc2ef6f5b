import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// `npm start` builds only the parts whose inputs changed (scripts/build-if-changed.mjs). Played here in
// a project of three parts whose builds are quick and write down that they ran.
const SCRIPT = path.resolve('scripts/build-if-changed.mjs');

let project: string;
const file = (name: string) => path.join(project, name);
const write = (name: string, text: string) => {
  mkdirSync(path.dirname(file(name)), { recursive: true });
  writeFileSync(file(name), text);
};

/** A build script that notes its part and writes the part's output file. */
const build = (part: string, output: string) =>
  `node -e "const fs = require('fs'); fs.appendFileSync('built.log', '${part}\\n'); fs.mkdirSync('${path.dirname(output)}', { recursive: true }); fs.writeFileSync('${output}', '')"`;

function buildIfChanged(): { status: number | null; built: string[] } {
  rmSync(file('built.log'), { force: true });
  const { status } = spawnSync(process.execPath, [SCRIPT], { cwd: project, stdio: 'ignore' });
  let log = '';
  try {
    log = readFileSync(file('built.log'), 'utf8');
  } catch {
    // nothing was built
  }
  return { status, built: log.split('\n').filter(Boolean) };
}

beforeEach(() => {
  project = mkdtempSync(path.join(tmpdir(), 'lex-build-'));
  write(
    'package.json',
    JSON.stringify({
      scripts: {
        'build:server': build('server', 'dist/server/main.js'),
        'build:client': build('client', 'dist/client/index.html'),
        'build:playground': build('playground', 'dist/playground/index.html'),
      },
    }),
  );
  write('package-lock.json', '{}');
  write('server/main.ts', 'export {};');
  write('client/src/main.tsx', 'export {};');
  write('playground/main.tsx', 'export {};');
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

it('builds everything the first time and nothing the second', () => {
  expect(buildIfChanged()).toEqual({ status: 0, built: ['server', 'client', 'playground'] });
  expect(buildIfChanged()).toEqual({ status: 0, built: [] });
});

it('builds again only the part whose inputs changed, and every part when the dependencies changed', () => {
  buildIfChanged();
  write('client/src/main.tsx', 'export const changed = true;');
  expect(buildIfChanged().built).toEqual(['client']);
  write('server/new-feature.ts', 'export {};');
  expect(buildIfChanged().built).toEqual(['server']);
  write('package-lock.json', '{"lockfileVersion": 3}');
  expect(buildIfChanged().built).toEqual(['server', 'client', 'playground']);
});

it('goes by content, not by modification time', () => {
  buildIfChanged();
  const later = new Date(Date.now() + 60_000);
  utimesSync(file('playground/main.tsx'), later, later);
  expect(buildIfChanged().built).toEqual([]);
});

it('builds again a part whose output is gone', () => {
  buildIfChanged();
  rmSync(file('dist/playground'), { recursive: true });
  expect(buildIfChanged().built).toEqual(['playground']);
  rmSync(file('dist'), { recursive: true });
  expect(buildIfChanged().built).toEqual(['server', 'client', 'playground']);
});

it('stops at a failed build, and builds that part again next time', () => {
  buildIfChanged();
  write('client/src/main.tsx', 'export const broken = true;');
  const scripts = JSON.parse(readFileSync(file('package.json'), 'utf8'));
  const working = scripts.scripts['build:client'];
  scripts.scripts['build:client'] = 'node -e "process.exit(3)"';
  write('package.json', JSON.stringify(scripts));
  expect(buildIfChanged().status).toBe(3);
  scripts.scripts['build:client'] = working;
  write('package.json', JSON.stringify(scripts));
  expect(buildIfChanged()).toEqual({ status: 0, built: ['client'] });
});
