/**
 * Soak (issue 7): a mixed load against one real server process for N minutes, reporting per minute
 * throughput, errors, live-event loss and the server's memory, then whether memory grew.
 *
 *   npm run soak -- --minutes 15 [--rate 20] [--subscribers 500]
 *
 * Customers create tickets and reply, superadmins answer and change statuses; `--subscribers`
 * subscriptions stay open, a fifth of them on sockets that keep disconnecting and reconnecting.
 * Loss is counted on the sockets that stay: every acknowledged reply must reach the ticket owner's
 * `replyAdded` within 5 s. Environment: SOAK_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * REDIS_URL (default redis://127.0.0.1:6379). Writes bench/results/soak.json.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createClient, Client as WsClient } from 'graphql-ws';

import WebSocket from 'ws';
import { UsersService } from '../server/accounts/users.service';
import { openDatabases } from '../server/db/data-source';
import { LOGIN, briefOps, subscriptions } from '../tests/helpers/operations';
import { adminQuery, gql, option, sleep } from './common';
import { percentile } from './lib/stats';
import { Server } from './lib/server-child';

const ADMIN_URL = process.env.SOAK_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const DATABASE = 'lex_soak';
const GRACE_MS = 5000;

const minutes = option('minutes', 15);
const rate = option('rate', 20);
const subscriberTarget = option('subscribers', 500);
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

const admin = (sql: string) => adminQuery(ADMIN_URL, sql);

interface Account {
  id: string;
  email: string;
  token: string;
  role: 'customer' | 'superadmin';
  tickets: string[];
}

/** One minute's figures. */
interface Minute {
  minute: number;
  ops: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  expected: number;
  received: number;
  lost: number;
  reconnects: number;
  rssMb: number;
  heapMb: number;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den ? num / den : 0;
}

async function main() {
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DATABASE}`);
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${DATABASE}`);
  const db = await openDatabases(databaseUrl, { poolSize: 1 });
  const users = new UsersService(db.system);
  // Six subscriptions a customer: replies and updates of two tickets, all their tickets, the badge.
  const customerCount = Math.ceil(subscriberTarget / 6);
  const made: Omit<Account, 'token' | 'tickets'>[] = [];
  for (let i = 0; i < customerCount; i++) {
    const email = `soak-customer-${i}@example.com`;
    made.push({
      id: (await users.add({ email, name: `Customer ${i}`, password: 'soak-password', role: 'customer', tenant: `Company ${i % 10}` })).id,
      email,
      role: 'customer',
    });
  }
  for (let i = 0; i < 3; i++) {
    const email = `soak-agent-${i}@example.com`;
    made.push({
      id: (await users.add({ email, name: `Agent ${i}`, password: 'soak-password', role: 'superadmin' })).id,
      email,
      role: 'superadmin',
    });
  }
  await db.destroy();

  const server = await Server.start(databaseUrl, { REDIS_URL });
  const accounts: Account[] = [];
  for (const account of made) {
    const data = await gql(server.url, LOGIN, { email: account.email, password: 'soak-password' });
    accounts.push({ ...account, token: data.login.token, tickets: [] });
  }
  const customers = accounts.filter((a) => a.role === 'customer');
  const agents = accounts.filter((a) => a.role === 'superadmin');
  for (const customer of customers) {
    for (let t = 0; t < 2; t++) {
      const data = await gql(
        server.url,
        briefOps.createTicket,
        { input: { subject: `Soak ${t}`, category: 'OTHER', message: 'Start' } },
        customer.token,
      );
      customer.tickets.push(data.createTicket.id);
    }
  }

  // Live subscriptions: each customer socket listens to its two tickets' replies and updates and to its badge.
  const expected = new Map<string, { owner: string; at: number }>();
  const received = new Set<string>();
  let reconnects = 0;
  const connect = (account: Account, onReply?: (replyId: string) => void): WsClient => {
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${account.token}` },
      retryAttempts: Infinity,
    });
    const sink = { next: () => undefined, error: () => undefined, complete: () => undefined };
    for (const ticketId of account.tickets) {
      client.subscribe<{ replyAdded: { id: string } }>(
        { query: subscriptions.replyAdded, variables: { ticketId } },
        { ...sink, next: (event) => event.data && onReply?.(event.data.replyAdded.id) },
      );
      client.subscribe({ query: subscriptions.ticketUpdatedBrief, variables: { ticketId } }, sink);
    }
    client.subscribe({ query: subscriptions.ticketUpdatedBrief }, sink);
    client.subscribe({ query: subscriptions.supportBadge }, sink);
    return client;
  };
  const churning = customers.slice(0, Math.floor(customers.length / 5));
  const stable = customers.slice(churning.length);
  const stableIds = new Set(stable.map((c) => c.id));
  const sockets = new Map<Account, WsClient>();
  for (const customer of stable)
    sockets.set(
      customer,
      connect(customer, (replyId) => received.add(replyId)),
    );
  for (const customer of churning) sockets.set(customer, connect(customer));
  for (const agent of agents) sockets.set(agent, connect(agent));
  const subscriptionCount = customers.length * 6 + agents.length * 2;
  await sleep(2000);

  const ownerOf = new Map<string, Account>();
  for (const customer of customers) for (const id of customer.tickets) ownerOf.set(id, customer);
  const tickets = () => [...ownerOf.keys()];

  let ops = 0;
  let errors = 0;
  let latencies: number[] = [];
  const operation = async () => {
    const roll = Math.random();
    const started = Date.now();
    try {
      if (roll < 0.1) {
        const customer = pick(churning);
        const data = await gql(
          server.url,
          briefOps.createTicket,
          { input: { subject: 'Soak', category: 'TECHNICAL', message: 'More' } },
          customer.token,
        );
        ownerOf.set(data.createTicket.id, customer);
      } else if (roll < 0.9) {
        const ticketId = pick(tickets());
        const owner = ownerOf.get(ticketId)!;
        const author = roll < 0.5 ? owner : pick(agents);
        const data = await gql(server.url, briefOps.replyToTicket, { input: { ticketId, message: `Soak reply ${ops}` } }, author.token);
        if (stableIds.has(owner.id) && owner.tickets.includes(ticketId))
          expected.set(data.replyToTicket.id, { owner: owner.id, at: Date.now() });
      } else {
        await gql(
          server.url,
          briefOps.setTicketStatus,
          { id: pick(tickets()), status: pick(['IN_PROGRESS', 'CLOSED']) },
          pick(agents).token,
        );
      }
      latencies.push(Date.now() - started);
    } catch {
      errors++;
    }
    ops++;
  };

  const report: Minute[] = [];
  const started = Date.now();
  const end = started + minutes * 60_000;
  const inFlight = new Set<Promise<void>>();
  let nextMinute = started + 60_000;
  let nextChurn = started + 1000;
  console.log(
    `Soak: ${minutes} min at ${rate} ops/s, ${subscriptionCount} subscriptions (${churning.length * 6} of them churning), ${os.cpus().length} cores`,
  );
  console.log('minute  ops  errors  p50ms  p99ms  expected  received  lost  reconnects  rssMB  heapMB');
  for (let tick = 0; Date.now() < end; tick++) {
    const due = started + (tick * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const running = operation().finally(() => inFlight.delete(running));
    inFlight.add(running);
    if (Date.now() >= nextChurn) {
      nextChurn += 1000;
      const customer = pick(churning);
      await sockets.get(customer)!.dispose();
      sockets.set(customer, connect(customer));
      reconnects++;
    }
    if (Date.now() >= nextMinute) {
      nextMinute += 60_000;
      const due = [...expected].filter(([, e]) => Date.now() - e.at > GRACE_MS);
      const got = due.filter(([id]) => received.has(id)).length;
      for (const [id] of due) {
        expected.delete(id);
        received.delete(id);
      }
      const memory = await server.memory();
      const row: Minute = {
        minute: report.length + 1,
        ops,
        errors,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        expected: due.length,
        received: got,
        lost: due.length - got,
        reconnects,
        rssMb: Math.round(memory.rss / 1e5) / 10,
        heapMb: Math.round(memory.heapUsed / 1e5) / 10,
      };
      report.push(row);
      console.log(
        Object.values(row)
          .map((v) => String(v).padStart(6))
          .join(' '),
      );
      ops = 0;
      errors = 0;
      latencies = [];
      reconnects = 0;
    }
  }
  await Promise.all(inFlight);

  // Memory after warm-up (the first two minutes): a slope near zero is flat.
  const warm = report.slice(Math.min(2, report.length - 1));
  const rssSlope = slope(warm.map((r) => [r.minute, r.rssMb]));
  const heapSlope = slope(warm.map((r) => [r.minute, r.heapMb]));
  const totals = {
    ops: report.reduce((s, r) => s + r.ops, 0),
    errors: report.reduce((s, r) => s + r.errors, 0),
    expected: report.reduce((s, r) => s + r.expected, 0),
    lost: report.reduce((s, r) => s + r.lost, 0),
  };
  const summary = {
    machine: { cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    settings: { minutes, rate, subscriptions: subscriptionCount, churningSubscriptions: churning.length * 6 },
    minutes: report,
    totals,
    memory: { rssSlopeMbPerMin: Number(rssSlope.toFixed(2)), heapSlopeMbPerMin: Number(heapSlope.toFixed(2)) },
  };
  console.log(`\ntotal ops ${totals.ops}, errors ${totals.errors}, replies checked ${totals.expected}, lost ${totals.lost}`);
  console.log(`memory trend after warm-up: RSS ${summary.memory.rssSlopeMbPerMin} MB/min, heap ${summary.memory.heapSlopeMbPerMin} MB/min`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/soak.json', JSON.stringify(summary, null, 2));

  await Promise.all([...sockets.values()].map((client) => client.dispose()));
  await server.stop();
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
