// Issue 8: the SQL statements one GraphQL request sends do not grow with the page size (no N+1).
// Every statement the server's DataSources send is counted (TypeORM reports each one to its logger),
// the session lookup on the owner's connections included.
import { Client } from 'pg';
import { SqlCapture, awaitedRoundTrips } from '../../bench/sql-capture';
import { ok } from '../helpers/graphql';
import { ops } from '../helpers/operations';
import { openDesk } from '../helpers/support-api';
import { TicketCategory, TicketStatus } from '../../server/support/ticket-status';
import type { TestServer } from '../helpers/server';
import { signedInUser } from '../helpers/accounts';

// Conversations in pages of 5: the cost rule prices `$first` at its maximum of 100 tickets.
const PAGE = `totalCount pageInfo { hasNextPage endCursor }
  nodes { id ticketNumber subject status unreadCount userName tenant { id name } lastReply { id message } replies(last: 5) { id isAdmin } }`;
const SUPPORT_TICKETS = `query ($filter: SupportTicketFilter, $first: Int, $after: String) {
  supportTickets(filter: $filter, first: $first, after: $after) { ${PAGE} } }`;
const MY_TICKETS = `query ($first: Int, $after: String) { myTickets(first: $first, after: $after) { ${PAGE} } }`;

let server: TestServer;
let capture: SqlCapture;
let customerToken: string;
let adminToken: string;

/** The SQL statements one request sends, and its data. */
async function statementsOf(query: string, variables: Record<string, unknown>, token: string) {
  // Events of earlier writes (their badge counts) are published in the background: let them finish.
  await server.app.services.audience.idle();
  const { result, statements } = await capture.during(() => ok(server, query, variables, token));
  return { data: result, count: statements.length, awaited: awaitedRoundTrips(statements), statements: statements.map((s) => s.sql) };
}

beforeAll(async () => {
  const desk = await openDesk();
  server = desk.server;
  customerToken = desk.customer.token;
  adminToken = desk.admin.token;
  capture = SqlCapture.install(server.db, server.system);
  // 30 tickets of two tenants with a conversation each, written through the service (the GraphQL
  // mutations are rate-limited per customer, which is not what this test is about).
  const { sessions, commands } = server.app.services;
  const customer = (await sessions.authenticate(customerToken))!;
  const admin = (await sessions.authenticate(adminToken))!;
  for (let i = 0; i < 30; i++) {
    const ticket = await commands.createTicket(customer, {
      subject: `Question ${i}`,
      category: TicketCategory.TECHNICAL,
      message: `First message ${i}`,
    });
    await commands.replyToTicket(admin, { ticketId: ticket.id, message: `Answer ${i}` });
    if (i % 3 === 0) await commands.replyToTicket(customer, { ticketId: ticket.id, message: `Thanks ${i}` });
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('SQL statements per GraphQL request', () => {
  test.each([
    ['supportTickets, no filter', SUPPORT_TICKETS, {}, 'admin'],
    ['supportTickets by status', SUPPORT_TICKETS, { filter: { status: 'ANSWERED' } }, 'admin'],
    ['supportTickets by search', SUPPORT_TICKETS, { filter: { search: 'Question' } }, 'admin'],
    ['myTickets', MY_TICKETS, {}, 'customer'],
  ] as const)('%s: the same number for 2, 10 and 20 tickets', async (_name, query, variables, who) => {
    const token = who === 'admin' ? adminToken : customerToken;
    const counts: number[] = [];
    for (const first of [2, 10, 20]) {
      const { data, count } = await statementsOf(query, { ...variables, first }, token);
      const connection = data.supportTickets ?? data.myTickets;
      expect(connection.nodes).toHaveLength(first);
      expect(connection.nodes.every((n: { replies: unknown[]; lastReply: unknown }) => n.replies.length > 0 && n.lastReply)).toBe(true);
      counts.push(count);
    }
    expect(new Set(counts).size).toBe(1);
    // A small constant: session, transaction, count, page, and one batch per nested field.
    expect(counts[0]).toBeLessThanOrEqual(16);
  });

  test.each([
    [
      'supportTickets',
      `{ supportTickets(first: 20) { totalCount nodes { id tenant { name } lastReply { id message createdAt } } } }`,
      'admin',
    ],
    ['myTickets', `{ myTickets(first: 20) { totalCount nodes { id tenant { name } lastReply { id message createdAt } } } }`, 'customer'],
  ] as const)(
    '%s with each ticket’s tenant and newest reply: at most 4 round trips awaited, the session lookup included',
    async (_name, query, who) => {
      const token = who === 'admin' ? adminToken : customerToken;
      const { data, awaited, statements } = await statementsOf(query, {}, token);
      const { nodes } = data.supportTickets ?? data.myTickets;
      expect(nodes).toHaveLength(20);
      // The same tenants and newest replies as the per-ticket loaders read (a ticket page asks for them one by one).
      for (const node of nodes.slice(0, 3)) {
        const one = await ok(
          server,
          `query ($id: ID!) { supportTicket(id: $id) { tenant { name } lastReply { id message createdAt } } }`,
          { id: node.id },
          token,
        );
        expect({ tenant: node.tenant, lastReply: node.lastReply }).toEqual(one.supportTicket);
      }
      // The session, BEGIN with app.session, the count and the page; the read's COMMIT goes after its result.
      expect(awaited).toBeLessThanOrEqual(4);
      expect(statements.filter((sql) => /support_replies|tenants/.test(sql) && !/support_tickets/.test(sql))).toEqual([]);
    },
  );

  test.each([[{ search: 'Question 1' }], [{ search: 'question 2', status: 'ANSWERED' }], [{ search: '#1005' }]])(
    'a search counts exactly what its pages hold: %j',
    async (filter) => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = -1;
      do {
        const data: any = await ok(server, SUPPORT_TICKETS, { filter, first: 4, after }, adminToken);
        total = data.supportTickets.totalCount;
        seen.push(...data.supportTickets.nodes.map((n: { id: string }) => n.id));
        after = data.supportTickets.pageInfo.hasNextPage ? data.supportTickets.pageInfo.endCursor : null;
      } while (after);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen).size).toBe(seen.length);
      expect(total).toBe(seen.length);
    },
  );

  test('the next page by cursor costs what the first page costs', async () => {
    const first = await statementsOf(SUPPORT_TICKETS, { first: 10 }, adminToken);
    const next = await statementsOf(SUPPORT_TICKETS, { first: 10, after: first.data.supportTickets.pageInfo.endCursor }, adminToken);
    expect(next.data.supportTickets.nodes).toHaveLength(10);
    expect(next.count).toBe(first.count);
  });

  test('a ticket with its whole conversation: a constant, whatever the number of replies', async () => {
    const { data: page } = await statementsOf(SUPPORT_TICKETS, { first: 2 }, adminToken);
    const short = await statementsOf(ops.supportTicket, { id: page.supportTickets.nodes[0].id }, adminToken);
    const { sessions, commands } = server.app.services;
    const admin = (await sessions.authenticate(adminToken))!;
    for (let i = 0; i < 20; i++) await commands.replyToTicket(admin, { ticketId: page.supportTickets.nodes[0].id, message: `More ${i}` });
    const long = await statementsOf(ops.supportTicket, { id: page.supportTickets.nodes[0].id }, adminToken);
    expect(long.data.supportTicket.replies.length).toBeGreaterThan(20);
    expect(long.count).toBe(short.count);
  });

  test('supportStats and the badges read the counts table, not every ticket', async () => {
    const stats = await statementsOf(ops.supportStats, {}, adminToken);
    expect(stats.data.supportStats.total).toBe(30);
    expect(stats.statements.filter((sql) => /FROM support_tickets\b/i.test(sql))).toEqual([]);
    // The session, BEGIN with app.session, and one statement for every number.
    expect(stats.awaited).toBe(3);
    const unread = await statementsOf(ops.unreadReplyCount, {}, customerToken);
    const mine = await ok(server, `{ myTickets(first: 100) { nodes { unreadCount } } }`, {}, customerToken);
    const expected = mine.myTickets.nodes.reduce((sum: number, n: { unreadCount: number }) => sum + n.unreadCount, 0);
    expect(expected).toBeGreaterThan(0);
    expect(unread.data.unreadReplyCount).toBe(expected);
  });

  test('the trigger-kept counts equal a full count after concurrent writes of every kind, assignments included', async () => {
    const { sessions, commands } = server.app.services;
    const customer = (await sessions.authenticate(customerToken))!;
    const admin = (await sessions.authenticate(adminToken))!;
    const { myTickets } = await ok(server, `{ myTickets(first: 12) { nodes { id } } }`, {}, customerToken);
    const ids: string[] = myTickets.nodes.map((n: { id: string }) => n.id);
    await Promise.all(
      ids.flatMap((ticketId, i) => [
        commands.replyToTicket(admin, { ticketId, message: 'concurrent answer' }),
        commands.replyToTicket(customer, { ticketId, message: 'concurrent question' }),
        i % 3 === 0 ? commands.closeTicket(customer, ticketId) : commands.setTicketStatus(admin, ticketId, TicketStatus.IN_PROGRESS),
        i % 4 === 0 ? commands.markTicketRead(admin, ticketId) : Promise.resolve(),
        commands.assignTicket(admin, ticketId, i % 2 === 0 ? null : admin.id),
      ]),
    );
    const owner = new Client({ connectionString: server.databaseUrl });
    await owner.connect();
    try {
      await owner.query(`DELETE FROM support_tickets WHERE id = ANY($1)`, [ids.slice(0, 2)]);
      const real = await owner.query(
        `SELECT status, category, count(*)::int AS n, sum(admin_unread_count)::int AS unread FROM support_tickets GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      const kept = await owner.query(
        `SELECT status, category, sum(tickets)::int AS n, sum(admin_unread)::int AS unread FROM support_ticket_counts
          GROUP BY 1, 2 HAVING sum(tickets) <> 0 OR sum(admin_unread) <> 0 ORDER BY 1, 2`,
      );
      expect(kept.rows).toEqual(real.rows);
      // Per assignee, closed or not: after the assignments above, and a team member removed (SET NULL).
      const leaver = await signedInUser(server, 'superadmin');
      await owner.query(`UPDATE support_tickets SET assignee_id = $1 WHERE id = ANY($2)`, [leaver.id, ids.slice(2, 5)]);
      await owner.query(`DELETE FROM users WHERE id = $1`, [leaver.id]);
      const assigned = await owner.query(
        `SELECT assignee_id, status = 'closed' AS closed, count(*)::int AS n FROM support_tickets GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      const keptAssigned = await owner.query(
        `SELECT assignee_id, closed, sum(tickets)::int AS n FROM support_assignment_counts GROUP BY 1, 2 HAVING sum(tickets) <> 0 ORDER BY 1, 2`,
      );
      expect(keptAssigned.rows).toEqual(assigned.rows);
    } finally {
      await owner.end();
    }
  });

  test('two writers of new tickets in the same group never wait for each other, and every roll-up counts both', async () => {
    const connect = async () => {
      const client = new Client({ connectionString: server.databaseUrl });
      await client.connect();
      return client;
    };
    // Two backends whose numbers agree modulo 16: a shard per backend (pg_backend_pid() % 16) would
    // make the second wait for the first. Of 17 connections, two always agree.
    const pool = await Promise.all(Array.from({ length: 17 }, connect));
    const pids = await Promise.all(pool.map(async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number));
    const i = pids.findIndex((pid, k) => pids.findIndex((other) => other % 16 === pid % 16) !== k);
    const [first, second] = [pool[pids.findIndex((pid) => pid % 16 === pids[i] % 16)], pool[i]];
    const reader = await connect();
    await Promise.all(pool.filter((c) => c !== first && c !== second).map((c) => c.end()));
    const customer = (await server.app.services.sessions.authenticate(customerToken))!;
    const totals = async () =>
      (
        await reader.query(
          `SELECT (SELECT coalesce(sum(tickets), 0)::int FROM support_ticket_counts WHERE status = 'open' AND category = 'Billing') AS counted,
                  (SELECT coalesce(sum(tickets), 0)::int FROM support_assignment_counts WHERE assignee_id IS NULL AND NOT closed) AS unassigned,
                  (SELECT coalesce(sum(created), 0)::int FROM support_report_days
                    WHERE category = 'Billing' AND day = (now() AT TIME ZONE (SELECT time_zone FROM support_report_state))::date) AS reported`,
        )
      ).rows[0];
    // A new ticket as the owner writes it: every trigger-kept roll-up adds to its group (open, Billing, nobody, today).
    const newTicket = (client: Client, subject: string) =>
      client.query(
        `INSERT INTO support_tickets (tenant_id, user_id, user_email, user_name, subject, category)
         SELECT tenant_id, id, email, name, $2, 'Billing' FROM users WHERE id = $1`,
        [customer.id, subject],
      );
    try {
      const before = await totals();
      await first.query('BEGIN');
      await newTicket(first, 'Held open');
      await newTicket(first, 'Held open, again');
      // Whatever the backends' numbers, the second writer must not queue behind the first's open transaction.
      await second.query(`BEGIN; SET LOCAL lock_timeout = '2s'`);
      await newTicket(second, 'Written meanwhile');
      await second.query('COMMIT');
      await first.query('COMMIT');
      expect(await totals()).toEqual({
        counted: before.counted + 3,
        unassigned: before.unassigned + 3,
        reported: before.reported + 3,
      });
    } finally {
      await Promise.all([first.end(), second.end(), reader.end()]);
    }
  });
});
