import { execFileSync, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { Client } from 'pg';
import { openDatabases } from '../../server/db/data-source';
import { startEmbeddedPostgres } from '../../server/db/embedded-postgres';
import { freePort } from '../../server/free-port';

// Runs once before the tests: finds (or starts) PostgreSQL and Redis, and builds a migrated
// template database that each test file copies.
const say = (line: string) => process.stdout.write(`[test setup] ${line}\n`);

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
  });
}

export default async function globalSetup() {
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  let adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminUrl && (await reachable(local))) adminUrl = local;
  if (!adminUrl) {
    say('no DATABASE_URL and nothing on 127.0.0.1:5432: starting an embedded PostgreSQL in .data/test');
    const embedded = await startEmbeddedPostgres('.data/test', say);
    adminUrl = embedded.url.replace(/\/[^/]+$/, '/postgres');
    (globalThis as Record<string, unknown>).__embeddedPostgres = embedded;
  }

  const template = `lex_test_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = adminUrl.replace(/\/[^/]*$/, `/${template}`);
  // Also makes the app's login role, once for the cluster, before test files start in parallel.
  await (await openDatabases(templateUrl, { poolSize: 1 })).destroy();

  let redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!(await redisAnswers(redisUrl))) {
    const port = await freePort();
    say(`no Redis at ${redisUrl}: starting redis-server on port ${port}`);
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    (globalThis as Record<string, unknown>).__redis = redis;
    redisUrl = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 50 && !(await redisAnswers(redisUrl)); i++) await new Promise((r) => setTimeout(r, 100));
  }

  process.env.LEX_TEST_PG_ADMIN_URL = adminUrl;
  process.env.LEX_TEST_TEMPLATE = template;
  process.env.LEX_TEST_REDIS_URL = redisUrl;
  try {
    process.env.LEX_TEST_REDIS_SERVER = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    // Tests that start their own Redis say so when it is missing.
  }
}
