// 1. Write path: replyToTicket and createTicket under concurrent writers, and the ratio to raw SQL.
import { Client as PgClient } from 'pg';
import { LOGIN, briefOps } from '../../tests/helpers/operations';
import { gql, inBatches, log } from '../common';
import { appClient, sessionKey } from '../lib/accounts';
import type { Instance } from '../lib/instances';
import { measureCpu } from '../lib/cpu';
import { CONCURRENCY, type Plan } from '../lib/plan';
import { percentile, round } from '../lib/stats';
import { BENCH_PASSWORD } from '../seed';

/** Replies and new tickets over GraphQL, closed loop, against the same SQL work straight through pg. */
export async function writePart(databaseUrl: string, instance: Instance, plan: Plan) {
  log(`\n== write path: ${CONCURRENCY} concurrent, ${plan.writeSeconds} s per mutation`);
  const emails = Array.from({ length: CONCURRENCY }, (_, i) => `customer${Math.floor(plan.scale * 30_000) + i + 1}@bench.example`);
  const customerTokens = await inBatches(
    emails,
    4,
    async (email) => (await gql(instance.url, LOGIN, { email, password: BENCH_PASSWORD })).login.token,
  );
  const adminToken = (await gql(instance.url, LOGIN, { email: 'agent8@lex.bench.example', password: BENCH_PASSWORD })).login.token;
  // Each writer has a ticket of its own, so writers do not wait on each other's row locks.
  const tickets = await inBatches(
    customerTokens,
    4,
    async (token, i) =>
      (
        await gql(
          instance.url,
          briefOps.createTicket,
          { input: { subject: `Write bench ${i}`, category: 'TECHNICAL', message: 'Hello' } },
          token,
        )
      ).createTicket.id,
  );

  async function closedLoop(work: (worker: number, k: number) => Promise<unknown>) {
    const cpu = measureCpu([instance.child.pid!]);
    const latencies: number[] = [];
    const deadline = performance.now() + plan.writeSeconds * 1000;
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
    const cores = cpu();
    log(`    cores busy: instance ${cores.instance}, PostgreSQL ${cores.postgres}, bench ${cores.bench}, machine ${cores.machine}`);
    return {
      rps: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      requests: latencies.length,
      cores,
    };
  }

  // A conversation on each ticket: customer and Lex team take turns, so every reply moves the status.
  const reply = await closedLoop((w, k) =>
    gql(
      instance.url,
      briefOps.replyToTicket,
      { input: { ticketId: tickets[w], message: `bench reply ${k}` } },
      k % 2 ? adminToken : customerTokens[w],
    ),
  );
  log(`  replyToTicket: ${reply.rps.toFixed(0)} req/s, p50 ${reply.p50.toFixed(1)} ms, p99 ${reply.p99.toFixed(1)} ms`);
  const create = await closedLoop((w, k) =>
    gql(
      instance.url,
      briefOps.createTicket,
      { input: { subject: `Bench ticket ${w}.${k}`, category: 'BILLING', message: 'A question' } },
      customerTokens[w],
    ),
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
      reply_cores: reply.cores,
      raw_cores: raw.cores,
    },
    detail: { seconds: plan.writeSeconds, reply, create, raw, note: 'p50_ms/p99_ms are replyToTicket; createTicket in detail' },
  };
}
