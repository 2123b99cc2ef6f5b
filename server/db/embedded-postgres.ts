import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freePort } from '../free-port';
import {
  Binaries,
  SystemUser,
  clusterDir,
  installedBinaries,
  postgresUser,
  processInfo,
  reachableBinaries,
} from './embedded-postgres-host';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Why the embedded database cannot start, and what to do instead: the one message a failed start prints. */
export class EmbeddedDatabaseError extends Error {
  constructor(cause: string) {
    super(
      `Cannot start the embedded PostgreSQL: ${cause}. Set DATABASE_URL to use a PostgreSQL of your own, ` +
        'or DATA_DIR to a folder where the embedded one can keep its files.',
    );
  }
}

const DATABASE = 'lex_support';
const READY_WITHIN_MS = 60_000;

export const embeddedUrlFile = (dataDir: string) => path.join(dataDir, 'database-url');
/** The PID of the server whose child the running cluster is; an unclean stop leaves it behind. */
const ownerFile = (dataDir: string) => path.join(dataDir, 'server.pid');

/** The password is made once with the cluster and kept beside it, readable by this user only. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

interface Program {
  child: ChildProcess;
  /** Settles when the program has stopped (or could not run), with an error saying how and the tail of what it said. */
  stopped: Promise<Error>;
}

/** Runs a PostgreSQL program as `user`. */
function spawnAs(program: string, args: string[], user: SystemUser | undefined): Program {
  const child = spawn(program, args, {
    ...(user && { uid: user.uid, gid: user.gid }),
    cwd: '/',
    // Its own process group: Ctrl-C reaches the server, which then stops the database after its clients.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => (tail = [...tail, ...chunk.toString().split('\n').filter(Boolean)].slice(-5)));
  const name = path.basename(program);
  const stopped = new Promise<Error>((resolve) => {
    child.once('error', (error) => resolve(new Error(`${name} could not run: ${error.message}`)));
    child.once('exit', (code, signal) =>
      resolve(new Error(`${name} stopped (${signal ?? `exit code ${code}`})${tail.length ? `: ${tail.join(' | ')}` : ''}`)),
    );
  });
  return { child, stopped };
}

async function initialise(binaries: Binaries, databaseDir: string, password: string, user: SystemUser | undefined) {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  // The password reaches initdb through a file only it can read, in a folder only it can enter.
  const secrets = await mkdtemp(path.join(tmpdir(), 'lex-initdb-'));
  const passwordFile = path.join(secrets, 'password');
  try {
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
    if (user) for (const owned of [databaseDir, secrets, passwordFile]) await chown(owned, user.uid, user.gid);
    const initdb = spawnAs(
      binaries.initdb,
      [
        `--pgdata=${databaseDir}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
      ],
      user,
    );
    const outcome = await initdb.stopped;
    if (initdb.child.exitCode !== 0) throw outcome;
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

/**
 * A PostgreSQL still running on the cluster after its server was killed (SIGKILL, OOM) is stopped
 * cleanly; a postmaster.pid whose process is gone or is not that PostgreSQL is removed. A cluster
 * whose server still runs is left alone.
 */
async function takeOverLeftovers(dataDir: string, databaseDir: string, log: (line: string) => void) {
  const lockFile = path.join(databaseDir, 'postmaster.pid');
  const lock = await readFile(lockFile, 'utf8').catch(() => undefined);
  if (lock === undefined) return;
  const pid = Number(lock.split('\n')[0]);
  const running = await processInfo(pid);
  if (!running || !running.args.includes(databaseDir)) {
    log(`Removing a stale ${lockFile}: PID ${pid} is not a PostgreSQL on this folder`);
    await rm(lockFile, { force: true });
    return;
  }
  const owner = Number((await readFile(ownerFile(dataDir), 'utf8').catch(() => '')).trim());
  if (running.ppid === owner) throw new EmbeddedDatabaseError(`the server with PID ${owner} is running on ${dataDir}; stop it first`);
  log(`The embedded PostgreSQL (PID ${pid}) was left running by a server that did not stop cleanly: stopping it`);
  process.kill(pid, 'SIGINT');
  for (const deadline = Date.now() + READY_WITHIN_MS; await processInfo(pid); await sleep(100)) {
    if (Date.now() > deadline)
      throw new Error(`the PostgreSQL left running on ${databaseDir} (PID ${pid}) did not stop; stop it with kill ${pid}`);
  }
  log(`Stopped the PostgreSQL left running (PID ${pid}); starting it afresh`);
}

/** Resolves once PostgreSQL answers; rejects with what it said if it stops first. */
async function ready(adminUrl: string, postgres: Program) {
  const deadline = Date.now() + READY_WITHIN_MS;
  const stopped = postgres.stopped.then((error) => Promise.reject(error));
  stopped.catch(() => undefined); // raced below; it also settles on a clean stop, long after
  for (;;) {
    const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    const connected = await Promise.race([
      client.connect().then(
        () => true,
        () => false,
      ),
      stopped,
    ]);
    await client.end().catch(() => undefined);
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${READY_WITHIN_MS / 1000} s`);
    await sleep(100);
  }
}

/**
 * Starts a real PostgreSQL (the binaries of the `embedded-postgres` package) with its cluster in
 * `<dataDir>/postgres`, so data survives restarts; as root, as the `postgres` system user, from where
 * that user can reach it. Listens on loopback only, on `port` or a free one. Every failure is an
 * EmbeddedDatabaseError that names its cause.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void, port?: number): Promise<EmbeddedDatabase> {
  dataDir = path.resolve(dataDir);
  let postgres: Program | undefined;
  const stopPostgres = () => postgres?.child.kill('SIGINT');
  try {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      throw new EmbeddedDatabaseError(`DATA_DIR ${dataDir} cannot be made a folder (${(error as Error).message})`);
    }
    // PostgreSQL refuses to run as root: then it runs as the `postgres` system user, which must pass through.
    const user = await postgresUser();
    if (user) await chmod(dataDir, 0o711);
    const binaries = await reachableBinaries(await installedBinaries(), user);
    const databaseDir = await clusterDir(dataDir, user, log);
    const linked = path.dirname(databaseDir) !== dataDir;
    log(
      `Embedded PostgreSQL: cluster in ${databaseDir}` +
        (linked ? ` (${path.join(dataDir, 'postgres')} links there: ${dataDir} is closed to the postgres user)` : '') +
        (user ? `, run as the system user postgres${user.created ? ' (created now)' : ''} from ${binaries.dir}` : ''),
    );
    const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
    // An empty folder is what a failed initdb leaves: used again. Anything else there is not ours to remove.
    const strangers = fresh
      ? await readdir(databaseDir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : [databaseDir]))
      : [];
    if (strangers.length) throw new Error(`${databaseDir} exists but holds no PostgreSQL cluster; remove it to start afresh`);
    const password = await clusterPassword(dataDir);
    if (fresh) {
      log(`Creating an embedded PostgreSQL cluster in ${databaseDir}`);
      await initialise(binaries, databaseDir, password, user);
    }
    await takeOverLeftovers(dataDir, databaseDir, log);
    port ??= await freePort();
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
    const adminUrl = url.replace(`/${DATABASE}`, '/postgres');
    postgres = spawnAs(
      binaries.postgres,
      ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      user,
    );
    // Stops it on any exit of this process, a failed start included; a SIGKILL is for the next start to clean up.
    process.on('exit', stopPostgres);
    await ready(adminUrl, postgres);
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
    await writeFile(ownerFile(dataDir), `${process.pid}\n`);
    // The migration commands find the running embedded database through this file.
    const urlFile = embeddedUrlFile(dataDir);
    await writeFile(urlFile, url + '\n', { mode: 0o600 });
    const running = postgres;
    let stopping = false;
    void running.stopped.then((error) => stopping || log(`The embedded PostgreSQL stopped on its own: ${error.message}`));
    return {
      url,
      stop: async () => {
        stopping = true;
        process.off('exit', stopPostgres);
        await rm(urlFile, { force: true });
        await rm(ownerFile(dataDir), { force: true });
        running.child.kill('SIGINT');
        await running.stopped;
      },
    };
  } catch (error) {
    stopPostgres();
    process.off('exit', stopPostgres);
    throw error instanceof EmbeddedDatabaseError ? error : new EmbeddedDatabaseError((error as Error)?.message ?? String(error));
  }
}
