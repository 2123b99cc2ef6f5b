// 4. Idle connections: resident memory (and JS heap) per graphql-ws connection on one instance, after a full GC.
import type { Client as WsClient } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import { subscriptions } from '../../tests/helpers/operations';
import { inBatches, log, sleep } from '../common';
import { createSessions, userIds } from '../lib/accounts';
import { startInstance, stopInstance, wsClient } from '../lib/instances';
import type { Plan } from '../lib/plan';
import { round } from '../lib/stats';

/** The memory an instance spends per idle graphql-ws connection with one badge subscription. */
export async function connectionsPart(databaseUrl: string, plan: Plan) {
  const count = plan.connections;
  log(`\n== connections: ${count} idle graphql-ws connections, one supportBadge subscription each, one instance`);
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  const emails = Array.from({ length: count }, (_, i) => `customer${i + 1}@bench.example`);
  const ids: string[] = [];
  for (let i = 0; i < emails.length; i += 5000) ids.push(...(await userIds(db, emails.slice(i, i + 5000))));
  const tokens = await createSessions(db, ids);
  await db.end();

  const instance = await startInstance(databaseUrl, { probe: true });
  const clients: WsClient[] = [];
  const open = async (from: number, to: number) => {
    await inBatches(tokens.slice(from, to), 200, (token) => {
      const client = wsClient(instance.wsUrl, token);
      clients.push(client);
      return new Promise<void>((resolve, reject) =>
        client.subscribe({ query: subscriptions.supportBadge }, { next: () => resolve(), error: reject, complete: () => undefined }),
      );
    });
  };
  try {
    // Warm the instance (code paths, pools) with a few connections before the baseline.
    await open(0, 100);
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await sleep(3000);
    // Measured after a full garbage collection on both sides: between collections the young
    // generation holds up to some MiB of garbage whatever the number of connections, which made
    // the bare RSS difference swing by 15 KB per connection from run to run.
    const rawBefore = instance.rssKb();
    const before = await instance.memoryAfterGc();
    const t0 = performance.now();
    await open(0, count);
    const openSeconds = (performance.now() - t0) / 1000;
    await sleep(5000);
    const rawAfter = instance.rssKb();
    const after = await instance.memoryAfterGc();
    const perConn = (after.rss - before.rss) / 1024 / count;
    const heapPerConn = (after.heapUsed - before.heapUsed) / 1024 / count;
    const rawPerConn = (rawAfter - rawBefore) / count;
    log(
      `  RSS after GC ${(before.rss / 2 ** 20).toFixed(0)} MiB → ${(after.rss / 2 ** 20).toFixed(0)} MiB with ${clients.length} connections: ${perConn.toFixed(1)} KB per connection, of which JS heap ${heapPerConn.toFixed(1)} KB (without GC: ${rawPerConn.toFixed(1)} KB; opened in ${openSeconds.toFixed(1)} s)`,
    );
    return {
      figures: { count: clients.length, rss_per_conn_kb: round(perConn, 1), heap_per_conn_kb: round(heapPerConn, 1) },
      detail: {
        rssAfterGcBeforeKb: before.rss / 1024,
        rssAfterGcAfterKb: after.rss / 1024,
        rawRssBeforeKb: rawBefore,
        rawRssAfterKb: rawAfter,
        rawRssPerConnKb: round(rawPerConn, 1),
        openSeconds,
      },
    };
  } finally {
    await inBatches(clients, 1000, async (c) => {
      await c.dispose();
    });
    await stopInstance(instance);
  }
}
