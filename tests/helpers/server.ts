import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { App, createApp } from '../../server/app';
import { defaultRedisPrefix, loadConfig, parseEmailConfig, parseLifecycleConfig, type SsoConfig } from '../../server/config';
import { openDatabases } from '../../server/db/data-source';
import { createLogger, Logger } from '../../server/logger';
import { createEventBus, EventBus } from '../../server/realtime/pubsub';
import { createTestDatabase } from './database';

export interface TestServer {
  url: string;
  wsUrl: string;
  origin: string;
  databaseUrl: string;
  /** DATA_DIR: attachments are under `attachments/` unless STORAGE_URL is set. */
  dataDir: string;
  /** The server's own connections, as the login role row-level security confines. */
  db: DataSource;
  /** The server's system connections, as the tables' owner (accounts, sessions). */
  system: DataSource;
  app: App;
  bus: EventBus;
  /** SQL as the tables' owner, past row-level security: for tests that look at the stored rows. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Share another server's database (two instances); by default a fresh database of its own. */
  databaseUrl?: string;
  /** A Redis URL, `true` for the test Redis, or nothing for in-process events. */
  redis?: string | true;
  env?: Record<string, string>;
  /** Sign-in from Lex; off by default. */
  sso?: SsoConfig;
  /** The server's logger (tests that read the log lines); by default LOG_LEVEL or silent, on stdout. */
  log?: Logger;
  /** Run a job worker (emails are sent); email settings (SMTP_URL, NOTIFY_DELAY_S, …) come from `env`. */
  jobs?: boolean;
}

/** A real server on port 0 over a real database, as `npm start` builds it. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownDatabase = options.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? ownDatabase!.url;
  const databases = await openDatabases(databaseUrl, { poolSize: 5 });
  const { app: db, system } = databases;
  const log = options.log ?? createLogger(options.env?.LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'silent');
  const redisUrl = options.redis === true ? process.env.LEX_TEST_REDIS_URL : options.redis;
  // As loadConfig derives it: two servers on two databases share no channel or key in one Redis.
  const redisPrefix = options.env?.REDIS_PREFIX ?? defaultRedisPrefix(databaseUrl);
  const bus = createEventBus(redisUrl, (message) => log.warn(message), redisPrefix);
  // The origin is only known once listening; allow any loopback origin of the test's own port below.
  const production = options.env?.NODE_ENV === 'production';
  // Files of each server in a folder of its own, removed with it (unless the test gave DATA_DIR).
  const ownDataDir = options.env?.DATA_DIR ? undefined : await mkdtemp(path.join(tmpdir(), 'lex-test-data-'));
  const dataDir = options.env?.DATA_DIR ?? ownDataDir!;
  const config = {
    publicOrigins: (options.env?.PUBLIC_ORIGIN ?? '').split(',').filter(Boolean),
    production,
    email: parseEmailConfig(options.env ?? {}, options.env?.PUBLIC_ORIGIN ?? 'http://localhost', production),
    clientDir: options.env?.CLIENT_DIR ?? 'dist/client',
    redisUrl,
    redisPrefix,
    // Tests act faster than people; the rate-limit tests ask for the real limits (RATE_LIMIT_SCALE=1).
    rateLimitScale: Number(options.env?.RATE_LIMIT_SCALE ?? 1000),
    trustProxy: loadConfig({ TRUST_PROXY: options.env?.TRUST_PROXY }).trustProxy,
    sso: options.sso,
    attachments: loadConfig({ DATA_DIR: dataDir, ATTACHMENT_MAX_MB: options.env?.ATTACHMENT_MAX_MB, STORAGE_URL: options.env?.STORAGE_URL })
      .attachments,
    // BUSINESS_HOURS, BUSINESS_HOLIDAYS and SLA_FIRST_RESPONSE_HOURS from `env`.
    lifecycle: parseLifecycleConfig(options.env ?? {}),
  };
  const jobs = options.jobs ? { ownerUrl: databaseUrl, pollIntervalMs: 100 } : undefined;
  const app = await createApp({ config, db, system, bus, log, jobs });
  const owner = new Pool({ connectionString: databaseUrl, max: 2 });
  owner.on('error', () => undefined); // idle connections die with the database in fault tests
  const port = await app.listen(0);
  const origin = `http://localhost:${port}`;
  if (!config.publicOrigins.length) config.publicOrigins.push(origin);
  if (!options.env?.PUBLIC_ORIGIN) config.email.publicUrl = origin;
  return {
    url: `${origin}/graphql`,
    wsUrl: `ws://localhost:${port}/graphql`,
    origin,
    databaseUrl,
    dataDir,
    db,
    system,
    app,
    bus,
    sql: async (text, params) => (await owner.query(text, params)).rows,
    close: async () => {
      await app.close();
      await owner.end();
      await bus.close();
      await databases.destroy();
      await ownDatabase?.drop();
      if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    },
  };
}
