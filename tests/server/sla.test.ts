// The first-response service level (docs/architecture.md §10): the due time fixed at creation, when it
// counts as breached, the slaBreached list, and the job that tells the team when a ticket turns overdue.
import { randomUUID } from 'node:crypto';
import { Client as WsClient } from 'graphql-ws';
import { enqueue } from '../../server/jobs/job-queue';
import { addBusinessHours, parseBusinessHours } from '../../server/lifecycle/business-hours';
import { slaBreached } from '../../server/lifecycle/sla';
import { topics } from '../../server/realtime/topics';
import { SignedIn } from '../helpers/accounts';
import { ok, settle, subscribe, wsClient } from '../helpers/graphql';
import { lifecycleOps } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';
import { eventually, watchStreams } from './live-helpers';

jest.setTimeout(30_000);
// Round the clock, so that the job's time is seconds away whenever the test runs: 0.001 h = 3.6 s.
const BUSINESS_HOURS = 'Mon-Sun 00:00-24:00 UTC';
const SLA_MS = 3600;
const desk = useDesk({ jobs: true, env: { BUSINESS_HOURS, SLA_FIRST_RESPONSE_HOURS: '0.001' } });

const at = (iso: string) => new Date(iso);
const DUE = '2026-03-02T12:00:00Z';

describe('when a first response counts as late', () => {
  it.each<[string, string | null, string | null, string, boolean]>([
    ['unanswered, before the due time', null, null, '2026-03-02T11:59:59Z', false],
    ['unanswered, at the due time', null, null, DUE, false],
    ['unanswered, after the due time', null, null, '2026-03-02T12:00:01Z', true],
    ['answered in time, judged later', '2026-03-02T11:00:00Z', null, '2026-03-09T00:00:00Z', false],
    ['answered late', '2026-03-02T12:30:00Z', null, '2026-03-09T00:00:00Z', true],
    ['closed unanswered in time (the customer found it alone)', null, '2026-03-02T11:00:00Z', '2026-03-09T00:00:00Z', false],
    ['closed unanswered after the due time', null, '2026-03-02T13:00:00Z', '2026-03-09T00:00:00Z', true],
    ['answered late, then closed', '2026-03-02T12:30:00Z', '2026-03-02T12:40:00Z', '2026-03-09T00:00:00Z', true],
  ])('%s', (_name, firstResponseAt, closedAt, now, breached) => {
    const ticket = {
      firstResponseDueAt: at(DUE),
      firstResponseAt: firstResponseAt ? at(firstResponseAt) : null,
      closedAt: closedAt ? at(closedAt) : null,
    };
    expect(slaBreached(ticket, at(now))).toBe(breached);
  });
});

const newTicket = (customer: SignedIn = desk.customer) => desk.createTicket(customer.token, { subject: `SLA ${randomUUID()}` });
const slaOf = async (id: string) => (await ok(desk.server, lifecycleOps.ticket, { id }, desk.admin.token)).supportTicket!.sla!;

it('fixes the due time when the ticket is opened: SLA_FIRST_RESPONSE_HOURS business hours later', async () => {
  const ticket = await newTicket();
  expect(await slaOf(ticket.id)).toEqual({
    firstResponseDueAt: addBusinessHours(parseBusinessHours(BUSINESS_HOURS), new Date(ticket.createdAt), 0.001).toISOString(),
    breached: false,
  });
  expect(Date.parse((await slaOf(ticket.id)).firstResponseDueAt) - Date.parse(ticket.createdAt)).toBe(SLA_MS);
});

it('lists breached and met tickets apart (slaBreached), page by page, with their counts', async () => {
  await desk.server.sql('TRUNCATE support_tickets CASCADE');
  const tickets = await Promise.all(Array.from({ length: 7 }, () => newTicket()));
  // Each ticket in a state of the table above: far from its due time, so none flips while the test reads.
  const states: [string | null, string | null, string][] = [
    [null, null, '2000-01-01T00:00:00Z'], // unanswered, overdue
    [null, null, '2100-01-01T00:00:00Z'], // unanswered, not due yet
    ['2000-01-01T00:00:00Z', null, '2000-01-02T00:00:00Z'], // answered in time
    ['2000-01-03T00:00:00Z', null, '2000-01-02T00:00:00Z'], // answered late
    [null, '2000-01-01T00:00:00Z', '2000-01-02T00:00:00Z'], // closed in time, unanswered
    [null, '2000-01-03T00:00:00Z', '2000-01-02T00:00:00Z'], // closed late, unanswered
    ['2000-01-03T00:00:00Z', '2000-01-04T00:00:00Z', '2000-01-02T00:00:00Z'], // answered late, closed
  ];
  for (const [i, [answered, closed, due]] of states.entries()) {
    await desk.server.sql(
      `UPDATE support_tickets SET first_response_at = $2, closed_at = $3, status = CASE WHEN $3::timestamptz IS NULL THEN status ELSE 'closed' END,
              first_response_due_at = $4 WHERE id = $1`,
      [tickets[i].id, answered, closed, due],
    );
  }
  const breached = [0, 3, 5, 6].map((i) => tickets[i].id);
  const met = [1, 2, 4].map((i) => tickets[i].id);
  const pageOf = async (slaBreached: boolean, after: string | null) =>
    (await ok(desk.server, lifecycleOps.tickets, { filter: { slaBreached }, first: 2, after }, desk.admin.token)).supportTickets;
  const list = async (slaBreached: boolean) => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await pageOf(slaBreached, after);
      expect(page.totalCount).toBe(slaBreached ? breached.length : met.length);
      for (const node of page.nodes) {
        expect(node.sla!.breached).toBe(slaBreached);
        ids.push(node.id);
      }
      if (!page.pageInfo.hasNextPage) return ids;
      after = page.pageInfo.endCursor;
    }
  };
  expect((await list(true)).sort()).toEqual(breached.sort());
  expect((await list(false)).sort()).toEqual(met.sort());
});

describe('turning overdue live', () => {
  let clients: WsClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    clients = [];
  });
  const connect = (user: SignedIn) => {
    const client = wsClient(desk.server, user.token);
    clients.push(client);
    return client;
  };
  const jobsOf = (ticketId: string) =>
    desk.server.sql(`SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'sla.overdue' AND key = $1`, [`sla.overdue:${ticketId}`]);

  it('tells the team, and only the team, when an unanswered ticket passes its due time; an answered one stays quiet', async () => {
    const streams = watchStreams(desk.server);
    const team = subscribe(connect(desk.admin), lifecycleOps.updated, {});
    const customer = subscribe(connect(desk.customer), lifecycleOps.updated, {});
    await streams.until(topics.admins);
    await streams.until(topics.user(desk.customer.id));

    const overdue = await newTicket();
    const answered = await newTicket();
    await desk.reply(desk.admin.token, answered.id, 'Right away');
    const { firstResponseAt, sla } = (await ok(desk.server, lifecycleOps.ticket, { id: answered.id }, desk.admin.token)).supportTicket!;
    expect(Date.parse(firstResponseAt!)).toBeLessThan(Date.parse(sla!.firstResponseDueAt)); // else the machine was too slow for this test
    expect(await jobsOf(overdue.id)).toHaveLength(1);
    const ofTicket = (events: typeof team.events, id: string) => events.map((e) => e.data!.ticketUpdated).filter((t) => t.id === id);
    await eventually(() => ofTicket(team.events, overdue.id).length === 2, 'the overdue event', 10_000);
    // Creation, then the due time passing with nothing written in between.
    expect(ofTicket(team.events, overdue.id).map((t) => t.sla!.breached)).toEqual([false, true]);
    await eventually(async () => (await jobsOf(answered.id)).length === 0, 'the answered ticket’s job to run', 10_000);
    await settle(300);
    expect(ofTicket(team.events, answered.id).map((t) => t.sla!.breached)).toEqual([false, false]);
    expect(await jobsOf(overdue.id)).toEqual([]);
    // The customer heard of their tickets' creation and the answer; never of the service level.
    expect(customer.events.map((e) => [e.data!.ticketUpdated.id, e.data!.ticketUpdated.sla])).toEqual([
      [overdue.id, null],
      [answered.id, null],
      [answered.id, null],
    ]);
  });

  it('skips a ticket that was answered or closed, and telling twice changes nothing', async () => {
    const closed = await newTicket();
    await desk.close(desk.customer.token, closed.id);
    const answered = await newTicket();
    await desk.reply(desk.admin.token, answered.id, 'Done');
    const overdue = await newTicket();
    await desk.server.sql(`UPDATE support_tickets SET first_response_due_at = now() - interval '1 minute' WHERE id = $1`, [overdue.id]);
    // Only the jobs below run: not those scheduled at creation.
    for (const { id } of [closed, answered, overdue]) await desk.server.sql(`SELECT graphile_worker.remove_job($1)`, [`sla.overdue:${id}`]);

    const streams = watchStreams(desk.server);
    const team = subscribe(connect(desk.admin), lifecycleOps.updated, {});
    await streams.until(topics.admins);
    // The job again, for each, as a retry or a second instance would run it.
    await desk.server.db.transaction(async (manager) => {
      for (const { id } of [closed, answered, overdue, overdue]) await enqueue(manager, 'sla.overdue', { ticketId: id });
    });
    await team.waitFor(2, 10_000);
    await settle(500);
    expect(team.events.map((e) => e.data!.ticketUpdated)).toEqual([
      { id: overdue.id, status: 'OPEN', sla: expect.objectContaining({ breached: true }) },
      { id: overdue.id, status: 'OPEN', sla: expect.objectContaining({ breached: true }) },
    ]);
  });
});
