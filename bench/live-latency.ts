/**
 * Mutation-to-event latency of live updates (issue 3): 100 subscribers spread over two server
 * instances (child processes) that share one PostgreSQL database and one Redis, while a superadmin
 * posts replies. Customers listen to their own ticket's `replyAdded`; a few superadmins listen to
 * `ticketUpdated` for all tickets. Each event's latency is its receive time minus the time the
 * reply was sent (one clock: subscribers and poster live in this process).
 *
 *   npm run build:server && node dist/bench/live-latency.js [--subscribers 100] [--admins 8] [--rounds 5] [--concurrency 1]
 *
 * Environment: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL
 * (default redis://127.0.0.1:6379). Creates its own database and drops it at the end; prints a
 * table and writes bench/results/live-latency.json.
 */
import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, Client as WsClient } from 'graphql-ws';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { LOGIN, briefOps, subscriptions } from '../tests/helpers/operations';
import { gql, inBatches, option, waitUntil } from './common';
import { percentile } from './lib/stats';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

// ---------------------------------------------------------------------------------------------
// One server instance, in a child process: the same createApp as `npm start`, on port 0.

async function runInstance() {
  const { createApp } = await import('../server/app');
  const { openDatabases } = await import('../server/db/data-source');
  const { createLogger } = await import('../server/logger');
  const { createEventBus } = await import('../server/realtime/pubsub');
  const log = createLogger(process.env.LOG_LEVEL || 'warn');
  const databases = await openDatabases(process.env.DATABASE_URL!, { poolSize: 10 });
  const bus = createEventBus(process.env.REDIS_URL, (message) => log.warn(message));
  // Rate limits scaled up: one poster writes far faster than the Lex team's per-minute allowance.
  const config = { publicOrigins: [], production: true, clientDir: '/nonexistent', redisUrl: process.env.REDIS_URL, rateLimitScale: 1000 };
  const app = await createApp({ config, db: databases.app, system: databases.system, bus, log });
  const port = await app.listen(0);
  const stop = async () => {
    await app.close();
    await bus.close();
    await databases.destroy();
    process.exit(0);
  };
  process.on('message', (message) => message === 'stop' && void stop());
  process.on('disconnect', () => void stop());
  process.send!({ port });
}

function startInstance(databaseUrl: string): Promise<{ child: ChildProcess; url: string; wsUrl: string }> {
  const child = fork(__filename, ['--instance'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
    child.once('message', (message: { port: number }) =>
      resolve({ child, url: `http://127.0.0.1:${message.port}/graphql`, wsUrl: `ws://127.0.0.1:${message.port}/graphql` }),
    );
  });
}

function stopInstance(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.send('stop');
  });
}

// ---------------------------------------------------------------------------------------------
// The driver: database, accounts, subscribers, replies, numbers.

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
  };
}

async function main() {
  const subscribers = option('subscribers', 100);
  const adminWatchers = Math.min(option('admins', 8), subscribers - 1);
  const customers = subscribers - adminWatchers;
  const rounds = option('rounds', 5);
  const concurrency = option('concurrency', 1);

  const dbName = `lex_bench_${randomBytes(5).toString('hex')}`;
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const instances: { child: ChildProcess; url: string; wsUrl: string }[] = [];
  const clients: WsClient[] = [];
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

  try {
    process.stdout.write(`database ${dbName}, Redis ${REDIS_URL}: starting two instances…\n`);
    // The first instance migrates the new database; the second then finds it ready.
    instances.push(await startInstance(databaseUrl));
    instances.push(await startInstance(databaseUrl));
    const [a] = instances;

    // Accounts: one password hash for everyone (hashing is not what is measured), then real sign-ins.
    const { hashPassword } = await import('../server/auth/passwords');
    const password = `bench-${randomBytes(6).toString('hex')}`;
    const hash = await hashPassword(password);
    const db = new PgClient({ connectionString: databaseUrl });
    await db.connect();
    const tenants = (await db.query(`INSERT INTO tenants (name) SELECT 'Bench tenant ' || g FROM generate_series(1, 5) g RETURNING id`))
      .rows;
    const people: { email: string; role: 'customer' | 'superadmin'; tenant: string | null }[] = [
      { email: 'poster@bench.example', role: 'superadmin', tenant: null },
      ...Array.from({ length: adminWatchers }, (_, i) => ({ email: `agent${i}@bench.example`, role: 'superadmin' as const, tenant: null })),
      ...Array.from({ length: customers }, (_, i) => ({
        email: `customer${i}@bench.example`,
        role: 'customer' as const,
        tenant: tenants[i % tenants.length].id,
      })),
    ];
    for (const person of people) {
      await db.query(`INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)`, [
        person.tenant,
        person.email,
        person.email.split('@')[0],
        person.role,
        hash,
      ]);
    }
    await db.end();
    process.stdout.write(`signing in ${people.length} accounts…\n`);
    const tokens = await inBatches(people, 8, async (person, i) => {
      const data = await gql(instances[i % 2].url, LOGIN, { email: person.email, password });
      return data.login.token;
    });
    const posterToken = tokens[0];
    const watcherTokens = tokens.slice(1, 1 + adminWatchers);
    const customerTokens = tokens.slice(1 + adminWatchers);

    const tickets = await inBatches(customerTokens, 8, async (token, i) => {
      const data = await gql(
        instances[i % 2].url,
        briefOps.createTicket,
        { input: { subject: `Bench ticket ${i}`, category: 'TECHNICAL', message: 'Hello' } },
        token,
      );
      return data.createTicket.id;
    });
    const ticketIndex = new Map(tickets.map((id, i) => [id, i]));

    // Subscribers, alternating between the two instances.
    const connect = (token: string, i: number) => {
      const client = createClient({
        url: instances[i % 2].wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      clients.push(client);
      return client;
    };
    const onError = (error: unknown) => process.stderr.write(`subscription error: ${JSON.stringify(error)}\n`);
    // replyAdded: message → receive time; ticketUpdated: per watcher, per ticket, receive times in order.
    const replyReceived = new Map<string, number>();
    const ticketReceived: number[][][] = watcherTokens.map(() => tickets.map(() => []));
    let measuring = false;
    tickets.forEach((ticketId, i) => {
      connect(customerTokens[i], i + adminWatchers).subscribe(
        { query: subscriptions.replyAdded, variables: { ticketId } },
        {
          next: (event: any) => replyReceived.set(event.data.replyAdded.message, performance.now()),
          error: onError,
          complete: () => undefined,
        },
      );
    });
    watcherTokens.forEach((token, w) => {
      connect(token, w).subscribe(
        { query: subscriptions.ticketUpdatedBrief },
        {
          next: (event: any) => {
            const index = ticketIndex.get(event.data.ticketUpdated.id);
            if (measuring && index !== undefined) ticketReceived[w][index].push(performance.now());
          },
          error: onError,
          complete: () => undefined,
        },
      );
    });

    // Live: every ticket channel is subscribed in Redis, and every watcher hears a warm-up reply.
    await redis.connect();
    await waitUntil(async () => {
      const counts = (await redis.call('PUBSUB', 'NUMSUB', ...tickets.map((id) => `ticket:${id}`))) as (string | number)[];
      return counts.filter((_, i) => i % 2 === 1).every((n) => Number(n) >= 1);
    }, 'every ticket channel to be subscribed');
    await waitUntil(async () => {
      const tag = `warm-up ${randomBytes(3).toString('hex')}`;
      await gql(a.url, briefOps.replyToTicket, { input: { ticketId: tickets[0], message: tag } }, posterToken);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return replyReceived.has(tag);
    }, 'the warm-up reply');
    // Watchers: wait until each has heard about the warm-up ticket at least once.
    measuring = true;
    await waitUntil(async () => {
      await gql(a.url, briefOps.replyToTicket, { input: { ticketId: tickets[0], message: 'warm-up' } }, posterToken);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return ticketReceived.every((perTicket) => perTicket[0].length > 0);
    }, 'every superadmin watcher to hear an update');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const perTicket of ticketReceived) for (const times of perTicket) times.length = 0;

    // The measurement: each round, one reply to every ticket, written through alternating instances.
    process.stdout.write(`measuring: ${rounds} rounds × ${tickets.length} replies, ${concurrency} at a time…\n`);
    const sent: { message: string; ticket: number; round: number; at: number; answeredAfter: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      await inBatches(tickets, concurrency, async (ticketId, i) => {
        const message = `round ${round} ticket ${i}`;
        const at = performance.now();
        await gql(instances[(i + round) % 2].url, briefOps.replyToTicket, { input: { ticketId, message } }, posterToken);
        sent.push({ message, ticket: i, round, at, answeredAfter: performance.now() - at });
      });
    }
    await waitUntil(
      () =>
        sent.every((s) => replyReceived.has(s.message)) &&
        ticketReceived.every((perTicket) => perTicket.every((times) => times.length >= rounds)),
      'every event',
      10_000,
    ).catch((error) => process.stderr.write(`${error.message}: reporting what arrived\n`));

    const replyLatency: number[] = [];
    const updateLatency: number[] = [];
    let missing = 0;
    for (const s of sent) {
      const received = replyReceived.get(s.message);
      if (received === undefined) missing++;
      else replyLatency.push(received - s.at);
      for (const perTicket of ticketReceived) {
        const at = perTicket[s.ticket][s.round];
        if (at === undefined) missing++;
        else updateLatency.push(at - s.at);
      }
    }

    const cpus = os.cpus();
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? 'unknown',
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      setup: {
        instances: 2,
        subscribers,
        customersOnReplyAdded: customers,
        superadminsOnTicketUpdated: adminWatchers,
        rounds,
        concurrency,
        replies: sent.length,
        redis: REDIS_URL,
      },
      latencyMs: {
        replyAdded: summary(replyLatency),
        ticketUpdated: summary(updateLatency),
        allEvents: summary([...replyLatency, ...updateLatency]),
        mutationResponse: summary(sent.map((s) => s.answeredAfter)),
      },
      missingEvents: missing,
    };

    const m = result.machine;
    console.log(`\nLive-update latency, mutation sent → event received (ms)`);
    console.log(`machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`);
    console.log(
      `setup: 2 instances (child processes), one PostgreSQL, one Redis; ${customers} customers on replyAdded + ${adminWatchers} superadmins on ticketUpdated; ${sent.length} replies, ${concurrency} at a time\n`,
    );
    console.table(
      Object.fromEntries(
        Object.entries(result.latencyMs).map(([name, s]) => [name, { events: s.count, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max }]),
      ),
    );
    if (missing) console.log(`missing events: ${missing}`);
    const file = path.resolve(
      __dirname.includes(`${path.sep}dist${path.sep}`) ? path.join(__dirname, '../../bench') : __dirname,
      'results/live-latency.json',
    );
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    redis.disconnect();
    await Promise.all(instances.map((instance) => stopInstance(instance.child)));
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

if (process.argv.includes('--instance')) {
  runInstance().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
