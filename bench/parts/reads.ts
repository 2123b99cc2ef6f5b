// 3. Read path at scale: one in-process server, whose SQL is captured and EXPLAINed.
import { Client as PgClient } from 'pg';
import { ops, reportOps, subscriptions } from '../../tests/helpers/operations';
import { gql, log } from '../common';
import { appClient, createSessions, sessionKey, userIds } from '../lib/accounts';
import { wsClient } from '../lib/instances';
import type { Plan } from '../lib/plan';
import { percentile, round } from '../lib/stats';
import { SqlCapture, awaitedRoundTrips, isBookkeeping } from '../sql-capture';

/** Tables a plan must not read sequentially once they hold this many rows (tiny ones are rightly scanned). */
const BIG_TABLE_ROWS = 50_000;

interface PlanCheck {
  seqScans: string[];
  planMs: number;
  executionMs: number;
}

function walkPlan(node: any, bigTables: string[], found: string[]) {
  if (node['Node Type'] === 'Seq Scan' && bigTables.includes(node['Relation Name']))
    found.push(`${node['Relation Name']} (${node['Actual Rows'] ?? '?'} rows out)`);
  for (const child of node.Plans ?? []) walkPlan(child, bigTables, found);
}

/** The dashboard's and the customer's reads on the seeded dataset: server-side times, and every statement's plan. */
export async function readsPart(databaseUrl: string, plan: Plan) {
  log(`\n== reads at scale`);
  const { openDatabases } = await import('../../server/db/data-source');
  const { createApp } = await import('../../server/app');
  const { createLogger } = await import('../../server/logger');
  const { createEventBus } = await import('../../server/realtime/pubsub');
  const { app: db, system, destroy } = await openDatabases(databaseUrl, { poolSize: 10 });
  // Both pools: the session lookup of every request runs on the owner's (system) connections.
  const capture = SqlCapture.install(db, system);
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
    const bigTables: string[] = (
      await pg.query(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples >= $1`, [
        BIG_TABLE_ROWS,
      ])
    ).rows.map((r) => r.relname);
    log(`  tables checked for sequential scans (≥ ${BIG_TABLE_ROWS.toLocaleString('en')} rows): ${bigTables.join(', ')}`);
    // agent7 owns no ticket; agent1 owns the most (a third of the answered ones, bench/seed.ts).
    const [adminId, busiestAgentId] = await userIds(pg, ['agent7@lex.bench.example', 'agent1@lex.bench.example']);
    // The customer with the most tickets (the first of the power law), and one who has unread replies.
    const [customerId] = await userIds(pg, ['customer1@bench.example']);
    const [adminToken, customerToken, busiestAgentToken] = await createSessions(pg, [adminId, customerId, busiestAgentId]);
    const fifty = (await pg.query(`SELECT t.id FROM support_tickets t WHERE t.ticket_number % 20000 = 0 ORDER BY t.ticket_number LIMIT 1`))
      .rows[0].id;
    const someNumber =
      (await pg.query(`SELECT ticket_number FROM support_tickets ORDER BY ticket_number DESC OFFSET 123456 LIMIT 1`)).rows[0]
        ?.ticket_number ?? 1000;
    // A large tenant (the 5th by tickets) for the company search.
    const company = (
      await pg.query(`SELECT t.name FROM tenants t JOIN LATERAL (SELECT count(*) n FROM support_tickets s WHERE s.tenant_id = t.id) c ON true
                       WHERE t.id IN (SELECT tenant_id FROM support_tickets WHERE ticket_number < 1000 + 200000 GROUP BY 1 ORDER BY count(*) DESC LIMIT 5)
                       ORDER BY c.n ASC LIMIT 1`)
    ).rows[0].name as string;
    // The busiest customer's name (first and last name, shared with a few other customers) for the customer search.
    const customerName = (await pg.query(`SELECT name FROM users WHERE id = $1`, [customerId])).rows[0].name as string;
    const page = `nodes { id ticketNumber subject status category updatedAt userName tenant { id name } lastReply { id createdAt } unreadCount } pageInfo { hasNextPage endCursor } totalCount`;
    const list = `query ($f: SupportTicketFilter, $o: SupportTicketOrder, $after: String) {
      supportTickets(filter: $f, orderBy: $o, first: 25, after: $after) { ${page} } }`;
    const nextPage = async (f: object, token: string, o?: string) => ({
      f,
      o,
      after: (await gql(url, list, { f, o }, token)).supportTickets.pageInfo.endCursor,
    });
    const cursor = (await nextPage({}, adminToken)).after;
    // The dashboard's "Mine" (the busiest agent's own) and "Unassigned" views.
    // as the dashboard's views ask for them: open work
    const mine = { assigneeId: busiestAgentId, notClosed: true };
    const unassigned = { unassigned: true, notClosed: true };

    /** A read, and the session it runs as (the Lex team's agent7 when not said). */
    type Q = { name: string; run: () => Promise<unknown>; viewer?: string };
    const http = (query: string, variables: Record<string, unknown>, token: string) => () => gql(url, query, variables, token);
    const adminWs = wsClient(`ws://127.0.0.1:${port}/graphql`, adminToken);
    const firstBadge = () =>
      new Promise<number>((resolve, reject) => {
        const stop = adminWs.subscribe<{ supportBadge: number }>(
          { query: subscriptions.supportBadge },
          { next: (v) => (stop(), resolve(v.data!.supportBadge)), error: reject, complete: () => undefined },
        );
      });
    const lastDays = (days: number) => ({
      from: new Date(Date.now() - (days - 1) * 86_400_000).toISOString(),
      to: new Date().toISOString(),
    });
    const queries: Q[] = [
      { name: 'dashboard_first_page', run: http(list, {}, adminToken) },
      ...['OPEN', 'IN_PROGRESS', 'ANSWERED', 'CLOSED'].map((s) => ({
        name: `status_${s.toLowerCase()}`,
        run: http(list, { f: { status: s } }, adminToken),
      })),
      { name: 'category_billing', run: http(list, { f: { category: 'BILLING' } }, adminToken) },
      { name: 'search_number', run: http(list, { f: { search: `#${someNumber}` } }, adminToken) },
      { name: 'search_subject', run: http(list, { f: { search: 'parental leave for interns' } }, adminToken) },
      { name: 'search_company', run: http(list, { f: { search: company } }, adminToken) },
      { name: 'search_customer', run: http(list, { f: { search: customerName } }, adminToken) },
      // One word as it is being typed: a prefix of common words (payroll, overtime pay, severance pay).
      { name: 'search_prefix', run: http(list, { f: { search: 'pay' } }, adminToken) },
      { name: 'next_page', run: http(list, { after: cursor }, adminToken) },
      { name: 'mine_first_page', run: http(list, { f: mine }, busiestAgentToken), viewer: busiestAgentToken },
      {
        name: 'mine_next_page',
        run: http(list, await nextPage(mine, busiestAgentToken), busiestAgentToken),
        viewer: busiestAgentToken,
      },
      { name: 'unassigned_first_page', run: http(list, { f: unassigned }, adminToken) },
      { name: 'unassigned_next_page', run: http(list, await nextPage(unassigned, adminToken), adminToken) },
      // Triage (docs/architecture.md §8, "Orders"): the other orders, oldest first where open work is rare.
      { name: 'order_updated_asc', run: http(list, { o: 'UPDATED_ASC' }, adminToken) },
      { name: 'order_created_desc', run: http(list, { o: 'CREATED_DESC' }, adminToken) },
      { name: 'order_created_next_page', run: http(list, await nextPage({}, adminToken, 'CREATED_DESC'), adminToken) },
      { name: 'open_oldest_created', run: http(list, { f: { status: 'OPEN' }, o: 'CREATED_ASC' }, adminToken) },
      { name: 'unassigned_oldest_updated', run: http(list, { f: unassigned, o: 'UPDATED_ASC' }, adminToken) },
      { name: 'overdue_oldest_created', run: http(list, { f: { slaBreached: true, notClosed: true }, o: 'CREATED_ASC' }, adminToken) },
      {
        name: 'customer_tickets',
        run: http(
          `query ($id: ID!) { customerTickets(ticketId: $id) { id ticketNumber subject status updatedAt } }`,
          { id: fifty },
          adminToken,
        ),
      },
      { name: 'support_stats', run: http(ops.supportStats, {}, adminToken) },
      { name: 'my_tickets', run: http(`{ myTickets(first: 25) { ${page} } }`, {}, customerToken), viewer: customerToken },
      {
        name: 'ticket_50_replies',
        run: http(
          `query ($id: ID!) { supportTicket(id: $id) { id subject status userEmail tenant { name } replies { id message isAdmin senderName createdAt } } }`,
          { id: fifty },
          adminToken,
        ),
      },
      // The lifecycle (docs/architecture.md §10): overdue or late, on time, and a ticket's timeline.
      { name: 'sla_breached', run: http(list, { f: { slaBreached: true } }, adminToken) },
      { name: 'sla_met', run: http(list, { f: { slaBreached: false } }, adminToken) },
      {
        name: 'ticket_timeline',
        run: http(
          `query ($id: ID!) { supportTicket(id: $id) { id events { id kind createdAt actorName fromStatus toStatus } } }`,
          { id: fifty },
          adminToken,
        ),
      },
      // Reports (docs/architecture.md §11) from the daily roll-ups: the last 90 days and the last year, today included.
      { name: 'report_90_days', run: http(reportOps.report, lastDays(90), adminToken) },
      { name: 'report_year', run: http(reportOps.report, lastDays(365), adminToken) },
      { name: 'unread_reply_count', run: http(ops.unreadReplyCount, {}, customerToken), viewer: customerToken },
      { name: 'superadmin_badge', run: firstBadge },
    ];

    const results: Record<string, { p50_ms: number; p95_ms: number; p99_ms: number }> = {};
    const detail: Record<string, unknown> = {};
    let seqScanFound = false;
    for (const q of queries) {
      // Plans first: the statements one execution sends, each EXPLAINed (ANALYZE, BUFFERS) as the viewer.
      capture.enabled = true;
      const { result, statements } = await capture.during(q.run);
      capture.enabled = false;
      const viewerToken = q.viewer ?? adminToken;
      const plans: (PlanCheck & { sql: string })[] = [];
      for (const s of statements) {
        // The system's statements (the session lookup) read tables the app's role cannot: not EXPLAINed as the viewer.
        if (s.system || isBookkeeping(s.sql) || !/^\s*(SELECT|WITH)/i.test(s.sql)) continue;
        await explainer.query('BEGIN');
        try {
          await explainer.query(`SELECT set_config('app.session', $1, true)`, [sessionKey(viewerToken)]);
          const [row] = (await explainer.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.sql}`, s.parameters as unknown[])).rows;
          const explained = row['QUERY PLAN'][0];
          const seqScans: string[] = [];
          walkPlan(explained.Plan, bigTables, seqScans);
          plans.push({
            sql: s.sql.replace(/\s+/g, ' ').slice(0, 400),
            seqScans,
            planMs: explained['Planning Time'],
            executionMs: explained['Execution Time'],
          });
        } finally {
          await explainer.query('ROLLBACK');
        }
      }
      for (let i = 0; i < 3; i++) await q.run();
      const roundTrips: number[] = [];
      serverTimes = [];
      for (let i = 0; i < plan.readIterations; i++) {
        const t0 = performance.now();
        await q.run();
        roundTrips.push(performance.now() - t0);
      }
      // HTTP queries: server-side times; the badge (a subscription's first value): subscribe → value at the client.
      const times = serverTimes.length === plan.readIterations ? serverTimes : roundTrips;
      results[q.name] = {
        p50_ms: round(percentile(times, 50)),
        p95_ms: round(percentile(times, 95)),
        p99_ms: round(percentile(times, 99)),
      };
      const seq = plans.flatMap((p) => p.seqScans);
      if (seq.length) seqScanFound = true;
      const total = (result as any)?.supportTickets?.totalCount ?? (result as any)?.myTickets?.totalCount;
      detail[q.name] = {
        measured: times === serverTimes ? 'server-side (request → response finished)' : 'client round trip',
        roundTrip: { p50_ms: round(percentile(roundTrips, 50)), p95_ms: round(percentile(roundTrips, 95)) },
        // Round trips: every statement on either pool, transaction control and the session lookup included.
        statements: statements.length,
        awaitedRoundTrips: awaitedRoundTrips(statements),
        systemStatements: statements.filter((s) => s.system).length,
        sql: statements.map((s) => `${s.system ? '[system] ' : ''}${s.sql.replace(/\s+/g, ' ').slice(0, 160)}`),
        totalCount: total,
        plans,
      };
      log(
        `  ${q.name.padEnd(22)} p50 ${results[q.name].p50_ms.toFixed(2).padStart(7)} ms  p95 ${results[q.name].p95_ms.toFixed(2).padStart(7)} ms  p99 ${results[q.name].p99_ms.toFixed(2).padStart(7)} ms` +
          `  (${awaitedRoundTrips(statements)} SQL round trips awaited of ${statements.length} sent, ${statements.filter((s) => s.system).length} on system; slowest plan ${Math.max(0, ...plans.map((p) => p.executionMs)).toFixed(2)} ms${total !== undefined ? `, ${total} matches` : ''})` +
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
