// 2. Live path: event latency across two instances under a steady stream of replies.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Client as WsClient } from 'graphql-ws';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import { defaultRedisPrefix } from '../../server/config';
import { briefOps, subscriptions } from '../../tests/helpers/operations';
import { gql, inBatches, log, sleep, waitUntil } from '../common';
import { createSessions, userIds } from '../lib/accounts';
import { type Instance, REDIS_URL, wsClient } from '../lib/instances';
import { ADMIN_WATCHERS, CONCURRENCY, type Plan } from '../lib/plan';
import { percentile, round } from '../lib/stats';

/**
 * Customers and superadmins subscribed across two instances while replies arrive at a fixed rate:
 * the time from a reply sent to each of its events received.
 */
export async function livePart(databaseUrl: string, instances: Instance[], plan: Plan) {
  const n = plan.liveCustomers;
  log(
    `\n== live path: ${instances.length} instances, ${n} customers + ${ADMIN_WATCHERS} superadmins, ${plan.liveRate} replies/s for ${plan.liveSeconds} s`,
  );
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  const first = Math.floor(plan.scale * 20_000);
  const customerIds = await userIds(
    db,
    Array.from({ length: n }, (_, i) => `customer${first + i + 1}@bench.example`),
  );
  const adminIds = await userIds(
    db,
    Array.from({ length: ADMIN_WATCHERS + 1 }, (_, i) => `agent${i + 1}@lex.bench.example`),
  );
  const customerTokens = await createSessions(db, customerIds);
  const [posterToken, ...watcherTokens] = await createSessions(db, adminIds);
  await db.end();

  const tickets = await inBatches(
    customerTokens,
    CONCURRENCY,
    async (token, i) =>
      (
        await gql(
          instances[i % 2].url,
          briefOps.createTicket,
          { input: { subject: `Live bench ${i}`, category: 'TECHNICAL', message: 'Hello' } },
          token,
        )
      ).createTicket.id,
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

  // In batches, each waiting for its badges: 10,000 sign-ins at once queue on the instances' pools
  // (10 connections each) past their connect timeout, and the sockets are closed with 1013.
  const firstBadge: (() => void)[] = [];
  await inBatches(tickets, 200, (ticketId, i) => {
    const client = wsClient(instances[i % 2].wsUrl, customerTokens[i]);
    clients.push(client);
    const subscribed = new Promise<void>((resolve) => (firstBadge[i] = resolve));
    client.subscribe(
      { query: subscriptions.replyAdded, variables: { ticketId } },
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
      { query: subscriptions.supportBadge },
      {
        next: () => {
          badgeCount[i]++;
          firstBadge[i]();
          if (measuring) record('customerBadge', i + n * customerBadgeSeen[i]++);
        },
        error: (error) => (onError(error), firstBadge[i]()),
        complete: () => undefined,
      },
    );
    return subscribed;
  });
  watcherTokens.forEach((token, w) => {
    const client = wsClient(instances[w % 2].wsUrl, token);
    clients.push(client);
    client.subscribe(
      { query: subscriptions.ticketUpdatedBrief },
      {
        next: (event: any) => {
          const i = ticketIndex.get(event.data.ticketUpdated.id);
          if (measuring && i !== undefined) record('adminQueue', i + n * queueSeen[w][i]++);
        },
        error: onError,
        complete: () => undefined,
      },
    );
    client.subscribe(
      { query: subscriptions.supportBadge },
      { next: () => measuring && adminBadgeEvents++, error: onError, complete: () => undefined },
    );
  });

  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    await waitUntil(() => badgeCount.every((c) => c >= 1), 'every customer badge to arrive', 120_000);
    await waitUntil(async () => {
      // The instances name their channels under the deployment's REDIS_PREFIX (the database's name).
      const prefix = defaultRedisPrefix(databaseUrl);
      const counts = (await redis.call('PUBSUB', 'NUMSUB', ...tickets.map((id) => `${prefix}:ticket:${id}`))) as (string | number)[];
      return counts.filter((_, i) => i % 2 === 1).every((c) => Number(c) >= 1);
    }, 'every ticket channel to be subscribed');
    // Warm-up: one reply per ticket, so every ticket is answered before the measurement starts.
    await inBatches(tickets, CONCURRENCY, (ticketId, i) =>
      gql(instances[i % 2].url, briefOps.replyToTicket, { input: { ticketId, message: 'warm-up' } }, posterToken),
    );
    await waitUntil(() => warmReplies.size === n, 'every warm-up reply');
    await sleep(1500);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    measuring = true;
    const total = plan.liveRate * plan.liveSeconds;
    const start = now();
    const inFlight: Promise<unknown>[] = [];
    const responseTimes: number[] = [];
    let errors = 0;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / plan.liveRate;
      // Timers, not a busy wait: the driver shares the two cores with the servers it measures.
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      sentAt[i] = now();
      inFlight.push(
        gql(instances[i % 2].url, briefOps.replyToTicket, { input: { ticketId: tickets[i % n], message: `live ${i}` } }, posterToken).then(
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
    await waitUntil(() => received() >= expected, 'every event', 15_000).catch((error) =>
      log(`  ${error.message}: reporting what arrived`),
    );
    loop.disable();
    const all = [...latencies.replyAdded, ...latencies.customerBadge, ...latencies.adminQueue];
    const by = Object.fromEntries(
      Object.entries(latencies).map(([k, v]) => [
        k,
        { count: v.length, p50: round(percentile(v, 50)), p99: round(percentile(v, 99)), max: round(Math.max(...v)) },
      ]),
    );
    log(`  sent ${total} replies in ${sendSeconds.toFixed(1)} s (${(total / sendSeconds).toFixed(0)}/s), ${errors} errors`);
    for (const [k, v] of Object.entries(by))
      log(`  ${k.padEnd(14)} ${String(v.count).padStart(7)} events  p50 ${v.p50} ms  p99 ${v.p99} ms  max ${v.max} ms`);
    log(
      `  all: ${all.length}/${expected} received, p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms; driver event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`,
    );
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
        driverEventLoopDelayMs: {
          p50: round(loop.percentile(50) / 1e6),
          p99: round(loop.percentile(99) / 1e6),
          max: round(loop.max / 1e6),
        },
        note: 'expected = replies × (customer replyAdded + customer badge + 5 superadmin ticketUpdated); the superadmin badge (open tickets) moves only when a ticket opens or leaves open, so its events are counted apart (adminBadgeEvents)',
      },
    };
  } finally {
    redis.disconnect();
    await Promise.all(clients.map((c) => c.dispose()));
  }
}
