/**
 * `npm run bench [-- --quick] [--only reads,write,live,connections]`: the performance harness of
 * issue 8. Prints a table and writes bench/results/latest.json (the figures of the issue) and
 * bench/results/latest-detail.json (plans, per-part details).
 *
 * Full run: the dataset of `npm run bench:seed` (1M tickets, database lex_bench; seeded first when
 * it is missing — the seed is resumable), 16 writers for 20 s, 2,000 + 5 live subscribers at
 * 200 replies/s for 30 s, 10,000 idle connections. `--quick`: the same parts, reduced (a 20,000-ticket
 * database lex_bench_quick, 3 s writes, 200 subscribers at 100/s for 5 s, 1,000 connections).
 *
 * Servers are child processes (`node dist/server/main.js`, NODE_ENV=production) so that their RSS
 * is their own; the read path runs one in-process server whose SQL is captured and EXPLAINed.
 * Sessions for the many bench accounts are inserted as the sign-in does (random token, its SHA-256
 * stored); the write path's clients sign in through the `login` mutation.
 *
 * Environment: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * REDIS_URL (default redis://127.0.0.1:6379).
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, Client as WsClient } from 'graphql-ws';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { APP_ROLE } from '../server/contract';
import { freePort } from '../server/free-port';
import { BENCH_PASSWORD, benchDatabaseUrl, seed } from './seed';
import { SqlCapture, isBookkeeping } from './sql-capture';
import { gql, inBatches, percentile, sleep, waitUntil } from './common';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const ROOT = path.resolve(__dirname, '../..');
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
const runs = (part: string) => !onlyArg || onlyArg.includes(part);

const P = quick
  ? { scale: 0.02, database: 'lex_bench_quick', writeSeconds: 3, liveCustomers: 200, liveRate: 100, liveSeconds: 5, connections: 1000, readIterations: 15 }
  : { scale: 1, database: 'lex_bench', writeSeconds: 20, liveCustomers: 2000, liveRate: 200, liveSeconds: 30, connections: 10_000, readIterations: 60 };
const CONCURRENCY = 16;
const ADMIN_WATCHERS = 5;

/** A connection as the server's own: the row-level-secured application role. */
const appClient = (connectionString: string) => new PgClient({ connectionString, options: `-c role=${APP_ROLE}` });

const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** What `sessions` stores of a token, and what a transaction names in `app.session`. */
const sessionKey = (token: string) => createHash('sha256').update(token).digest('hex');

/** Sessions as the sign-in creates them: a random token, only its SHA-256 stored. */
async function createSessions(db: PgClient, userIds: string[]): Promise<string[]> {
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  const hashes = tokens.map(sessionKey);
  for (let i = 0; i < userIds.length; i += 5000) {
    await db.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at)
       SELECT u, h, now() + interval '1 day' FROM unnest($1::uuid[], $2::text[]) AS x(u, h)`,
      [userIds.slice(i, i + 5000), hashes.slice(i, i + 5000)],
    );
  }
  return tokens;
}

async function userIds(db: PgClient, emails: string[]): Promise<string[]> {
  const rows = (await db.query(`SELECT id, email FROM users WHERE email = ANY($1)`, [emails])).rows;
  const byEmail = new Map(rows.map((r) => [r.email, r.id as string]));
  return emails.map((e) => {
    const id = byEmail.get(e);
    if (!id) throw new Error(`no bench account ${e}: is the database seeded?`);
    return id;
  });
}

// ---------------------------------------------------------------------------------------------
// Server instances as child processes, as they run in production.

interface Instance {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  rssKb(): number;
}

async function startInstance(databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  // BENCH_NODE_ARGS: extra node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist/server/main.js')], {
    // RATE_LIMIT_SCALE: the per-client limits are meant for people, not for one load generator on one address.
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL, PORT: String(port), NODE_ENV: 'production', LOG_LEVEL: 'warn', RATE_LIMIT_SCALE: '1000000' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitUntil(async () => {
    if (exited) throw new Error('server instance exited while starting');
    try {
      await gql(url, '{ __typename }');
      return true;
    } catch {
      return false;
    }
  }, 'a server instance to listen', 120_000);
  return {
    child,
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN),
  };
}

function stopInstance(instance: Instance): Promise<void> {
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.kill('SIGTERM');
  });
}

function wsClient(url: string, token: string): WsClient {
  return createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
}

const REPLY = `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { id createdAt } }`;
const CREATE = `mutation ($input: CreateTicketInput!) { createTicket(input: $input) { id ticketNumber } }`;
const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;

/**
 * Removes what the write and live parts add (their tickets with replies, the bench sessions), so that
 * every run reads the dataset the seed made: otherwise tens of thousands of fresh open tickets pile
 * up on top of the newest-first indexes run after run. Vacuums when something was removed.
 */
async function removeBenchWrites(databaseUrl: string) {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const t0 = performance.now();
    const tickets = await db.query(
      `DELETE FROM support_tickets WHERE subject LIKE 'Write bench %' OR subject LIKE 'Bench ticket %' OR subject LIKE 'Live bench %'`,
    );
    const replies = await db.query(`DELETE FROM support_replies WHERE message LIKE 'raw reply %'`);
    await db.query(`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE email LIKE '%bench.example')`);
    if (tickets.rowCount || replies.rowCount) {
      await db.query(`VACUUM (ANALYZE) support_tickets`);
      await db.query(`VACUUM (ANALYZE) support_replies`);
      log(`  removed ${tickets.rowCount} bench tickets and ${replies.rowCount} raw replies of earlier runs, vacuumed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await db.end();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Write path

async function writePart(databaseUrl: string, instance: Instance) {
  log(`\n== write path: ${CONCURRENCY} concurrent, ${P.writeSeconds} s per mutation`);
  const emails = Array.from({ length: CONCURRENCY }, (_, i) => `customer${Math.floor(P.scale * 30_000) + i + 1}@bench.example`);
  const customerTokens = await inBatches(emails, 4, async (e) => (await gql(instance.url, LOGIN, { e, p: BENCH_PASSWORD })).login.token as string);
  const adminToken = (await gql(instance.url, LOGIN, { e: 'agent8@lex.bench.example', p: BENCH_PASSWORD })).login.token as string;
  // Each writer has a ticket of its own, so writers do not wait on each other's row locks.
  const tickets = await inBatches(customerTokens, 4, async (token, i) =>
    (await gql(instance.url, CREATE, { input: { subject: `Write bench ${i}`, category: 'TECHNICAL', message: 'Hello' } }, token)).createTicket.id as string,
  );

  async function closedLoop(work: (worker: number, k: number) => Promise<unknown>) {
    const latencies: number[] = [];
    const deadline = performance.now() + P.writeSeconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        for (let k = 0; performance.now() < deadline; k++) {
          const t0 = performance.now();
          await work(worker, k);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), requests: latencies.length };
  }

  // A conversation on each ticket: customer and Lex team take turns, so every reply moves the status.
  const reply = await closedLoop((w, k) =>
    gql(instance.url, REPLY, { input: { ticketId: tickets[w], message: `bench reply ${k}` } }, k % 2 ? adminToken : customerTokens[w]),
  );
  log(`  replyToTicket: ${reply.rps.toFixed(0)} req/s, p50 ${reply.p50.toFixed(1)} ms, p99 ${reply.p99.toFixed(1)} ms`);
  const create = await closedLoop((w, k) =>
    gql(instance.url, CREATE, { input: { subject: `Bench ticket ${w}.${k}`, category: 'BILLING', message: 'A question' } }, customerTokens[w]),
  );
  log(`  createTicket:  ${create.rps.toFixed(0)} req/s, p50 ${create.p50.toFixed(1)} ms, p99 ${create.p99.toFixed(1)} ms`);

  // The same SQL work straight through pg: lock the ticket, insert the reply, update the ticket.
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  const owners = (await db.query(`SELECT id, user_id FROM support_tickets WHERE id = ANY($1)`, [tickets])).rows;
  await db.end();
  const ownerOf = new Map(owners.map((r) => [r.id, r.user_id]));
  const clients = await Promise.all(
    tickets.map(async () => {
      const c = appClient(databaseUrl);
      await c.connect();
      return c;
    }),
  );
  const raw = await closedLoop(async (w, k) => {
    const c = clients[w];
    const fromAdmin = k % 2 === 1;
    const userId = ownerOf.get(tickets[w]);
    await c.query('START TRANSACTION');
    await c.query(`SELECT set_config('app.session', $1, true)`, [sessionKey(fromAdmin ? adminToken : customerTokens[w])]);
    const locked = fromAdmin
      ? await c.query(`SELECT * FROM support_tickets t WHERE true AND t.id = $1 FOR UPDATE`, [tickets[w]])
      : await c.query(`SELECT * FROM support_tickets t WHERE t.user_id = $1 AND t.id = $2 FOR UPDATE`, [userId, tickets[w]]);
    await c.query(`INSERT INTO support_replies (ticket_id, message, is_admin, sender_name) VALUES ($1, $2, $3, $4) RETURNING *`, [
      tickets[w],
      `raw reply ${k}`,
      fromAdmin,
      fromAdmin ? 'Lex Agent' : 'Customer',
    ]);
    const next = fromAdmin ? 'answered' : 'open';
    await c.query(
      `UPDATE support_tickets SET status = $2, updated_at = clock_timestamp(), closed_at = NULL,
              ${fromAdmin ? 'customer_unread_count = customer_unread_count + 1, admin_unread_count = 0' : 'admin_unread_count = admin_unread_count + 1, customer_unread_count = 0'}
        WHERE id = $1 RETURNING *`,
      [locked.rows[0].id, next],
    );
    await c.query('COMMIT');
  });
  await Promise.all(clients.map((c) => c.end()));
  log(`  raw SQL (pg):  ${raw.rps.toFixed(0)} tx/s, p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms`);
  return {
    figures: {
      concurrency: CONCURRENCY,
      reply_rps: round(reply.rps, 1),
      create_rps: round(create.rps, 1),
      p50_ms: round(reply.p50),
      p99_ms: round(reply.p99),
      raw_sql_tps: round(raw.rps, 1),
      ratio: round(reply.rps / raw.rps, 3),
    },
    detail: { seconds: P.writeSeconds, reply, create, raw, note: 'p50_ms/p99_ms are replyToTicket; createTicket in detail' },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Live path

async function livePart(databaseUrl: string, instances: Instance[]) {
  const n = P.liveCustomers;
  log(`\n== live path: ${instances.length} instances, ${n} customers + ${ADMIN_WATCHERS} superadmins, ${P.liveRate} replies/s for ${P.liveSeconds} s`);
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  const first = Math.floor(P.scale * 20_000);
  const customerIds = await userIds(db, Array.from({ length: n }, (_, i) => `customer${first + i + 1}@bench.example`));
  const adminIds = await userIds(db, Array.from({ length: ADMIN_WATCHERS + 1 }, (_, i) => `agent${i + 1}@lex.bench.example`));
  const customerTokens = await createSessions(db, customerIds);
  const [posterToken, ...watcherTokens] = await createSessions(db, adminIds);
  await db.end();

  const tickets = await inBatches(customerTokens, CONCURRENCY, async (token, i) =>
    (await gql(instances[i % 2].url, CREATE, { input: { subject: `Live bench ${i}`, category: 'TECHNICAL', message: 'Hello' } }, token)).createTicket
      .id as string,
  );
  const ticketIndex = new Map(tickets.map((id, i) => [id, i]));

  const clients: WsClient[] = [];
  const now = () => performance.now();
  let measuring = false;
  const sentAt: number[] = [];
  const latencies: Record<string, number[]> = { replyAdded: [], customerBadge: [], adminQueue: [] };
  let adminBadgeEvents = 0;
  let unexpected = 0;
  const warmReplies = new Set<number>();
  const customerBadgeSeen = new Array(n).fill(0);
  const badgeCount = new Array(n).fill(0);
  const queueSeen: number[][] = Array.from({ length: ADMIN_WATCHERS }, () => new Array(n).fill(0));
  const record = (kind: string, replyIndex: number) => {
    const at = sentAt[replyIndex];
    if (at === undefined) unexpected++;
    else latencies[kind].push(now() - at);
  };
  const onError = (error: unknown) => process.stderr.write(`subscription error: ${JSON.stringify(error)}\n`);

  tickets.forEach((ticketId, i) => {
    const client = wsClient(instances[i % 2].wsUrl, customerTokens[i]);
    clients.push(client);
    client.subscribe(
      { query: `subscription ($t: ID!) { replyAdded(ticketId: $t) { id message } }`, variables: { t: ticketId } },
      {
        next: (event: any) => {
          const m = /^live (\d+)$/.exec(event.data.replyAdded.message);
          if (m && measuring) record('replyAdded', Number(m[1]));
          else if (!m) warmReplies.add(i);
        },
        error: onError,
        complete: () => undefined,
      },
    );
    client.subscribe(
      { query: `subscription { supportBadge }` },
      {
        next: (event: any) => {
          badgeCount[i]++;
          if (measuring) record('customerBadge', i + n * customerBadgeSeen[i]++);
        },
        error: onError,
        complete: () => undefined,
      },
    );
  });
  watcherTokens.forEach((token, w) => {
    const client = wsClient(instances[w % 2].wsUrl, token);
    clients.push(client);
    client.subscribe(
      { query: `subscription { ticketUpdated { id status updatedAt } }` },
      {
        next: (event: any) => {
          const i = ticketIndex.get(event.data.ticketUpdated.id);
          if (measuring && i !== undefined) record('adminQueue', i + n * queueSeen[w][i]++);
        },
        error: onError,
        complete: () => undefined,
      },
    );
    client.subscribe({ query: `subscription { supportBadge }` }, { next: () => measuring && adminBadgeEvents++, error: onError, complete: () => undefined });
  });

  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    await waitUntil(() => badgeCount.every((c) => c >= 1), 'every customer badge to arrive', 120_000);
    await waitUntil(async () => {
      const counts = (await redis.call('PUBSUB', 'NUMSUB', ...tickets.map((id) => `ticket:${id}`))) as (string | number)[];
      return counts.filter((_, i) => i % 2 === 1).every((c) => Number(c) >= 1);
    }, 'every ticket channel to be subscribed');
    // Warm-up: one reply per ticket, so every ticket is answered before the measurement starts.
    await inBatches(tickets, CONCURRENCY, (ticketId, i) => gql(instances[i % 2].url, REPLY, { input: { ticketId, message: 'warm-up' } }, posterToken));
    await waitUntil(() => warmReplies.size === n, 'every warm-up reply');
    await sleep(1500);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    measuring = true;
    const total = P.liveRate * P.liveSeconds;
    const start = now();
    const inFlight: Promise<unknown>[] = [];
    const responseTimes: number[] = [];
    let errors = 0;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / P.liveRate;
      // Timers, not a busy wait: the driver shares the two cores with the servers it measures.
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      sentAt[i] = now();
      inFlight.push(
        gql(instances[i % 2].url, REPLY, { input: { ticketId: tickets[i % n], message: `live ${i}` } }, posterToken).then(
          () => responseTimes.push(now() - sentAt[i]),
          (error) => {
            errors++;
            if (errors < 5) process.stderr.write(`${error}\n`);
          },
        ),
      );
    }
    const sendSeconds = (now() - start) / 1000;
    await Promise.all(inFlight);
    const expected = total * (2 + ADMIN_WATCHERS);
    const received = () => latencies.replyAdded.length + latencies.customerBadge.length + latencies.adminQueue.length;
    await waitUntil(() => received() >= expected, 'every event', 15_000).catch((error) => log(`  ${error.message}: reporting what arrived`));
    loop.disable();
    const all = [...latencies.replyAdded, ...latencies.customerBadge, ...latencies.adminQueue];
    const by = Object.fromEntries(
      Object.entries(latencies).map(([k, v]) => [k, { count: v.length, p50: round(percentile(v, 50)), p99: round(percentile(v, 99)), max: round(Math.max(...v)) }]),
    );
    log(`  sent ${total} replies in ${sendSeconds.toFixed(1)} s (${(total / sendSeconds).toFixed(0)}/s), ${errors} errors`);
    for (const [k, v] of Object.entries(by)) log(`  ${k.padEnd(14)} ${String(v.count).padStart(7)} events  p50 ${v.p50} ms  p99 ${v.p99} ms  max ${v.max} ms`);
    log(`  all: ${all.length}/${expected} received, p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms; driver event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`);
    return {
      figures: {
        instances: instances.length,
        subscribers: n + ADMIN_WATCHERS,
        events_per_s: round(total / sendSeconds, 1),
        p50_ms: round(percentile(all, 50)),
        p99_ms: round(percentile(all, 99)),
        expected,
        received: all.length,
      },
      detail: {
        byKind: by,
        mutationResponse: { p50: round(percentile(responseTimes, 50)), p99: round(percentile(responseTimes, 99)) },
        mutationErrors: errors,
        adminBadgeEvents,
        unexpectedEvents: unexpected,
        driverEventLoopDelayMs: { p50: round(loop.percentile(50) / 1e6), p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
        note: 'expected = replies × (customer replyAdded + customer badge + 5 superadmin ticketUpdated); the superadmin badge (open tickets) moves only when a ticket opens or leaves open, so its events are counted apart (adminBadgeEvents)',
      },
    };
  } finally {
    redis.disconnect();
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Read path at scale (in-process server: its SQL is captured and EXPLAINed)

/** Tables a plan must not read sequentially once they hold this many rows (tiny ones are rightly scanned). */
const BIG_TABLE_ROWS = 50_000;
let bigTables: string[] = [];

interface PlanCheck {
  seqScans: string[];
  planMs: number;
  executionMs: number;
}

function walkPlan(node: any, found: string[]) {
  if (node['Node Type'] === 'Seq Scan' && bigTables.includes(node['Relation Name'])) found.push(`${node['Relation Name']} (${node['Actual Rows'] ?? '?'} rows out)`);
  for (const child of node.Plans ?? []) walkPlan(child, found);
}

async function readsPart(databaseUrl: string) {
  log(`\n== reads at scale`);
  const { openDatabases } = await import('../server/db/data-source');
  const { createApp } = await import('../server/app');
  const { createLogger } = await import('../server/logger');
  const { createEventBus } = await import('../server/realtime/pubsub');
  const { app: db, system, destroy } = await openDatabases(databaseUrl, { poolSize: 10 });
  const capture = SqlCapture.install(db);
  capture.enabled = false;
  const bus = createEventBus(undefined, () => undefined);
  const config = { publicOrigins: [], production: true, clientDir: '/nonexistent', rateLimitScale: 1_000_000 };
  const app = await createApp({ config, db, system, bus, log: createLogger('warn') });
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}/graphql`;
  // Server-side time of each HTTP request: from the parsed request to the response handed to the socket.
  let serverTimes: number[] = [];
  app.server.prependListener('request', (_request, response) => {
    const t0 = performance.now();
    response.once('finish', () => serverTimes.push(performance.now() - t0));
  });
  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  // EXPLAIN as the server's role: row-level security changes the plans.
  const explainer = appClient(databaseUrl);
  await explainer.connect();
  try {
    const dataset = (
      await pg.query(`SELECT (SELECT count(*) FROM support_tickets)::int AS tickets, (SELECT count(*) FROM support_replies)::int AS replies,
                             (SELECT count(*) FROM tenants)::int AS tenants, (SELECT count(*) FROM users WHERE role = 'customer')::int AS customers`)
    ).rows[0];
    log(`  dataset: ${JSON.stringify(dataset)}`);
    await pg.query(`ANALYZE tenants`);
    bigTables = (
      await pg.query(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples >= $1`, [BIG_TABLE_ROWS])
    ).rows.map((r) => r.relname);
    log(`  tables checked for sequential scans (≥ ${BIG_TABLE_ROWS.toLocaleString('en')} rows): ${bigTables.join(', ')}`);
    const [adminId] = await userIds(pg, ['agent7@lex.bench.example']);
    // The customer with the most tickets (the first of the power law), and one who has unread replies.
    const [customerId] = await userIds(pg, ['customer1@bench.example']);
    const [adminToken, customerToken] = await createSessions(pg, [adminId, customerId]);
    const fifty = (await pg.query(`SELECT t.id FROM support_tickets t WHERE t.ticket_number % 20000 = 0 ORDER BY t.ticket_number LIMIT 1`)).rows[0].id;
    const someNumber = (await pg.query(`SELECT ticket_number FROM support_tickets ORDER BY ticket_number DESC OFFSET 123456 LIMIT 1`)).rows[0]?.ticket_number ?? 1000;
    // A large tenant (the 5th by tickets) for the company search.
    const company = (
      await pg.query(`SELECT t.name FROM tenants t JOIN LATERAL (SELECT count(*) n FROM support_tickets s WHERE s.tenant_id = t.id) c ON true
                       WHERE t.id IN (SELECT tenant_id FROM support_tickets WHERE ticket_number < 1000 + 200000 GROUP BY 1 ORDER BY count(*) DESC LIMIT 5)
                       ORDER BY c.n ASC LIMIT 1`)
    ).rows[0].name as string;
    const page = `nodes { id ticketNumber subject status category updatedAt userName tenant { id name } lastReply { id createdAt } unreadCount } pageInfo { hasNextPage endCursor } totalCount`;
    const list = `query ($f: SupportTicketFilter, $after: String) { supportTickets(filter: $f, first: 25, after: $after) { ${page} } }`;
    const firstPage = await gql(url, list, {}, adminToken);
    const cursor = firstPage.supportTickets.pageInfo.endCursor;

    type Q = { name: string; run: () => Promise<unknown> };
    const http = (query: string, variables: Record<string, unknown>, token: string) => () => gql(url, query, variables, token);
    const adminWs = wsClient(`ws://127.0.0.1:${port}/graphql`, adminToken);
    const firstBadge = () =>
      new Promise<number>((resolve, reject) => {
        const stop = adminWs.subscribe<{ supportBadge: number }>(
          { query: `subscription { supportBadge }` },
          { next: (v) => (stop(), resolve(v.data!.supportBadge)), error: reject, complete: () => undefined },
        );
      });
    const queries: Q[] = [
      { name: 'dashboard_first_page', run: http(list, {}, adminToken) },
      ...['OPEN', 'IN_PROGRESS', 'ANSWERED', 'CLOSED'].map((s) => ({ name: `status_${s.toLowerCase()}`, run: http(list, { f: { status: s } }, adminToken) })),
      { name: 'category_billing', run: http(list, { f: { category: 'BILLING' } }, adminToken) },
      { name: 'search_number', run: http(list, { f: { search: `#${someNumber}` } }, adminToken) },
      { name: 'search_subject', run: http(list, { f: { search: 'parental leave for interns' } }, adminToken) },
      { name: 'search_company', run: http(list, { f: { search: company } }, adminToken) },
      { name: 'next_page', run: http(list, { after: cursor }, adminToken) },
      { name: 'support_stats', run: http(`{ supportStats { open inProgress answered closed total } }`, {}, adminToken) },
      { name: 'my_tickets', run: http(`{ myTickets(first: 25) { ${page} } }`, {}, customerToken) },
      {
        name: 'ticket_50_replies',
        run: http(`query ($id: ID!) { supportTicket(id: $id) { id subject status userEmail tenant { name } replies { id message isAdmin senderName createdAt } } }`, { id: fifty }, adminToken),
      },
      { name: 'unread_reply_count', run: http(`{ unreadReplyCount }`, {}, customerToken) },
      { name: 'superadmin_badge', run: firstBadge },
    ];

    const results: Record<string, { p50_ms: number; p95_ms: number }> = {};
    const detail: Record<string, unknown> = {};
    let seqScanFound = false;
    for (const q of queries) {
      // Plans first: the statements one execution sends, each EXPLAINed (ANALYZE, BUFFERS) as the viewer.
      capture.enabled = true;
      const { result, statements } = await capture.during(q.run);
      capture.enabled = false;
      const viewerToken = q.name === 'my_tickets' || q.name === 'unread_reply_count' ? customerToken : adminToken;
      const plans: (PlanCheck & { sql: string })[] = [];
      for (const s of statements) {
        if (isBookkeeping(s.sql) || !/^\s*(SELECT|WITH)/i.test(s.sql)) continue;
        await explainer.query('BEGIN');
        try {
          await explainer.query(`SELECT set_config('app.session', $1, true)`, [sessionKey(viewerToken)]);
          const [row] = (await explainer.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.sql}`, s.parameters as unknown[])).rows;
          const plan = row['QUERY PLAN'][0];
          const seqScans: string[] = [];
          walkPlan(plan.Plan, seqScans);
          plans.push({ sql: s.sql.replace(/\s+/g, ' ').slice(0, 400), seqScans, planMs: plan['Planning Time'], executionMs: plan['Execution Time'] });
        } finally {
          await explainer.query('ROLLBACK');
        }
      }
      for (let i = 0; i < 3; i++) await q.run();
      const roundTrips: number[] = [];
      serverTimes = [];
      for (let i = 0; i < P.readIterations; i++) {
        const t0 = performance.now();
        await q.run();
        roundTrips.push(performance.now() - t0);
      }
      // HTTP queries: server-side times; the badge (a subscription's first value): subscribe → value at the client.
      const times = serverTimes.length === P.readIterations ? serverTimes : roundTrips;
      results[q.name] = { p50_ms: round(percentile(times, 50)), p95_ms: round(percentile(times, 95)) };
      const seq = plans.flatMap((p) => p.seqScans);
      if (seq.length) seqScanFound = true;
      const total = (result as any)?.supportTickets?.totalCount ?? (result as any)?.myTickets?.totalCount;
      detail[q.name] = {
        measured: times === serverTimes ? 'server-side (request → response finished)' : 'client round trip',
        roundTrip: { p50_ms: round(percentile(roundTrips, 50)), p95_ms: round(percentile(roundTrips, 95)) },
        statements: statements.length,
        totalCount: total,
        plans,
      };
      log(
        `  ${q.name.padEnd(22)} p50 ${results[q.name].p50_ms.toFixed(2).padStart(7)} ms  p95 ${results[q.name].p95_ms.toFixed(2).padStart(7)} ms` +
          `  (${statements.length} SQL, slowest plan ${Math.max(0, ...plans.map((p) => p.executionMs)).toFixed(2)} ms${total !== undefined ? `, ${total} matches` : ''})` +
          (seq.length ? `  !!! SEQ SCAN: ${seq.join(', ')}` : ''),
      );
    }
    await adminWs.dispose();
    if (seqScanFound) log(`\n!!! At least one read query scans a big table sequentially: see above and bench/results/latest-detail.json`);
    return { figures: { dataset, queries: results }, detail: { company, someNumber, queries: detail }, seqScanFound };
  } finally {
    await pg.end();
    await explainer.end();
    await app.close();
    await bus.close();
    await destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Idle connections

async function connectionsPart(databaseUrl: string) {
  const count = P.connections;
  log(`\n== connections: ${count} idle graphql-ws connections, one supportBadge subscription each, one instance`);
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  const emails = Array.from({ length: count }, (_, i) => `customer${i + 1}@bench.example`);
  const ids: string[] = [];
  for (let i = 0; i < emails.length; i += 5000) ids.push(...(await userIds(db, emails.slice(i, i + 5000))));
  const tokens = await createSessions(db, ids);
  await db.end();

  const instance = await startInstance(databaseUrl);
  const clients: WsClient[] = [];
  const open = async (from: number, to: number) => {
    await inBatches(tokens.slice(from, to), 200, (token) => {
      const client = wsClient(instance.wsUrl, token);
      clients.push(client);
      return new Promise<void>((resolve, reject) =>
        client.subscribe({ query: `subscription { supportBadge }` }, { next: () => resolve(), error: reject, complete: () => undefined }),
      );
    });
  };
  try {
    // Warm the instance (code paths, pools) with a few connections before the baseline.
    await open(0, 100);
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await sleep(3000);
    const before = instance.rssKb();
    const t0 = performance.now();
    await open(0, count);
    const openSeconds = (performance.now() - t0) / 1000;
    await sleep(5000);
    const after = instance.rssKb();
    const perConn = (after - before) / count;
    log(`  RSS ${(before / 1024).toFixed(0)} MiB → ${(after / 1024).toFixed(0)} MiB with ${clients.length} connections: ${perConn.toFixed(1)} KB per connection (opened in ${openSeconds.toFixed(1)} s)`);
    return { figures: { count: clients.length, rss_per_conn_kb: round(perConn, 1) }, detail: { rssBeforeKb: before, rssAfterKb: after, openSeconds } };
  } finally {
    await inBatches(clients, 1000, async (c) => {
      await c.dispose();
    });
    await stopInstance(instance);
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const build = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  log(`Lex Support bench (${quick ? 'quick' : 'full'}), ${build.name} ${build.version}`);
  log(`load before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  log(`seeding ${P.database} (scale ${P.scale}; resumable, skips what is done)…`);
  const seeded = await seed({ scale: P.scale, database: P.database, log: (line) => log(`  ${line}`) });
  const databaseUrl = benchDatabaseUrl(P.database);
  await removeBenchWrites(databaseUrl);

  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  const postgres = (await pg.query(`SHOW server_version`)).rows[0].server_version;
  await pg.end();
  const redisInfo = await (async () => {
    const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    const info = await r.info('server');
    r.disconnect();
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  })();
  const machine = {
    cores: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres,
    redis: redisInfo,
    platform: `${os.platform()} ${os.release()}`,
  };

  const result: any = { machine };
  const detail: any = { date: new Date().toISOString(), mode: quick ? 'quick' : 'full', seedSeconds: round(seeded.seconds, 1), loadBefore: os.loadavg() };
  let seqScan = false;

  if (runs('reads')) {
    const reads = await readsPart(databaseUrl);
    result.reads = reads.figures;
    detail.reads = reads.detail;
    seqScan = reads.seqScanFound;
  }
  if (runs('write') || runs('live')) {
    const instances = [await startInstance(databaseUrl), await startInstance(databaseUrl)];
    try {
      if (runs('write')) {
        const write = await writePart(databaseUrl, instances[0]);
        result.write = write.figures;
        detail.write = write.detail;
      }
      if (runs('live')) {
        const live = await livePart(databaseUrl, instances);
        result.live = live.figures;
        detail.live = live.detail;
      }
    } finally {
      await Promise.all(instances.map(stopInstance));
    }
  }
  if (runs('connections')) {
    const connections = await connectionsPart(databaseUrl);
    result.connections = connections.figures;
    detail.connections = connections.detail;
  }
  detail.loadAfter = os.loadavg();
  detail.seconds = round((performance.now() - started) / 1000, 1);

  const ordered = { machine: result.machine, write: result.write, live: result.live, reads: result.reads, connections: result.connections };
  printTable(ordered);
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(ordered, null, 2)}\n`);
  writeFileSync(path.join(dir, 'latest-detail.json'), `${JSON.stringify(detail, null, 2)}\n`);
  log(`\nwritten bench/results/latest.json and latest-detail.json in ${detail.seconds} s; load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (seqScan) {
    log('FAILED: a read query scans a big table sequentially');
    process.exitCode = 1;
  }
}

function printTable(r: any) {
  const m = r.machine;
  const rows: [string, string, string][] = [];
  const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  if (r.write) {
    rows.push(['write reply_rps / create_rps', `${r.write.reply_rps} / ${r.write.create_rps}`, '']);
    rows.push(['write reply p50 / p99', `${r.write.p50_ms} / ${r.write.p99_ms} ms`, '']);
    rows.push(['write raw_sql_tps', `${r.write.raw_sql_tps}`, '']);
    rows.push(['write ratio', `${r.write.ratio}`, `≥ 0.25 ${check(r.write.ratio >= 0.25)}`]);
  }
  if (r.live) {
    rows.push(['live instances / subscribers / events/s', `${r.live.instances} / ${r.live.subscribers} / ${r.live.events_per_s}`, '']);
    rows.push(['live p50 / p99', `${r.live.p50_ms} / ${r.live.p99_ms} ms`, `p99 ≤ 25 ${check(r.live.p99_ms <= 25)}`]);
    rows.push(['live received / expected', `${r.live.received} / ${r.live.expected}`, `= ${check(r.live.received === r.live.expected)}`]);
  }
  if (r.reads) {
    const d = r.reads.dataset;
    rows.push(['reads dataset', `${d.tickets} tickets, ${d.replies} replies, ${d.tenants} tenants, ${d.customers} customers`, '']);
    for (const [name, q] of Object.entries<any>(r.reads.queries)) {
      const limit = ['support_stats', 'superadmin_badge', 'unread_reply_count'].includes(name) ? 5 : 20;
      rows.push([`read ${name} p50 / p95`, `${q.p50_ms} / ${q.p95_ms} ms`, `p95 ≤ ${limit} ${check(q.p95_ms <= limit)}`]);
    }
  }
  if (r.connections) rows.push(['idle connections / RSS per connection', `${r.connections.count} / ${r.connections.rss_per_conn_kb} KB`, `≤ 50 ${check(r.connections.rss_per_conn_kb <= 50)}`]);
  log(`\nmachine: ${m.cores} × ${m.cpu_model}, ${m.memory_gib} GiB, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}, ${m.platform}\n`);
  const w = [Math.max(...rows.map((x) => x[0].length)), Math.max(...rows.map((x) => x[1].length)), 0];
  log(`| ${'figure'.padEnd(w[0])} | ${'result'.padEnd(w[1])} | target |`);
  log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|--------|`);
  for (const [a, b, c] of rows) log(`| ${a.padEnd(w[0])} | ${b.padEnd(w[1])} | ${c} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
