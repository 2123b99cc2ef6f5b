#!/usr/bin/env node
// `npm start` runs this before serving: it builds each part (server, web app, playground) only when
// its inputs changed since that part was last built here, so that a second start is quick. Inputs
// are compared by content (not modification time), and a part whose output is gone is built again.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Each part: the npm script that builds it, what it is built from, and a file it always writes. */
const PARTS = [
  {
    script: 'build:server',
    inputs: ['server', 'bench', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    output: 'dist/server/main.js',
  },
  { script: 'build:client', inputs: ['client', 'package-lock.json'], output: 'dist/client/index.html' },
  { script: 'build:playground', inputs: ['playground', 'package-lock.json'], output: 'dist/playground/index.html' },
];
/** Outside the outputs, which the builds empty; under dist, so that removing dist builds everything. */
const STAMPS = 'dist/.inputs';

function* files(entry) {
  if (!existsSync(entry)) return;
  if (!statSync(entry).isDirectory()) {
    yield entry;
    return;
  }
  for (const name of readdirSync(entry).sort()) if (name !== 'node_modules') yield* files(path.join(entry, name));
}

function inputsHash(inputs) {
  const hash = createHash('sha256');
  for (const input of inputs) for (const file of files(input)) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

mkdirSync(STAMPS, { recursive: true });
for (const { script, inputs, output } of PARTS) {
  const stamp = path.join(STAMPS, script.replace(':', '-'));
  const hash = inputsHash(inputs);
  if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    console.log(`${script}: up to date`);
    continue;
  }
  // No stamp while building: an interrupted or failed build is done again next time.
  rmSync(stamp, { force: true });
  const { status, error } = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`${script} failed${error ? `: ${error.message}` : ''}`);
    process.exit(status || 1);
  }
  writeFileSync(stamp, hash);
}
