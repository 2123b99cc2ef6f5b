// Assignment (docs/architecture.md §8): who on the Lex team owns a ticket, told to the team only.
import { randomUUID } from 'node:crypto';
import { SqlCapture } from '../../bench/sql-capture';
import { topics } from '../../server/realtime/topics';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql, ok, settle, subscribe } from '../helpers/graphql';
import { briefOps, ops, subscriptions } from '../helpers/operations';
import { useSockets } from '../helpers/sockets';
import { useDesk } from '../helpers/support-api';
import { watchStreams } from './live-helpers';

jest.setTimeout(20_000);
const desk = useDesk();
let colleague: SignedIn;
beforeAll(async () => {
  colleague = await signedInUser(desk.server, 'superadmin');
});

const assign = (token: string, id: string, assigneeId: string | null) => graphql(desk.server, ops.assignTicket, { id, assigneeId }, token);
const assigneeOf = async (token: string, id: string) => (await ok(desk.server, ops.ticketAssignee, { id }, token)).supportTicket!.assignee;
const newTicket = () => desk.createTicket(desk.customer.token, { subject: 'Holiday pay', message: 'Wrong amount' });

it('assigns to a team member and unassigns, without moving updatedAt', async () => {
  const ticket = await newTicket();
  const assigned = await assign(desk.admin.token, ticket.id, colleague.id);
  expect(assigned.errors).toBeUndefined();
  expect(assigned.data!.assignTicket).toEqual({
    id: ticket.id,
    updatedAt: ticket.updatedAt,
    assignee: { id: colleague.id, name: colleague.name, role: 'SUPERADMIN' },
  });
  expect(await assigneeOf(desk.admin.token, ticket.id)).toMatchObject({ id: colleague.id });
  const unassigned = await assign(desk.admin.token, ticket.id, null);
  expect(unassigned.data!.assignTicket).toMatchObject({ updatedAt: ticket.updatedAt, assignee: null });
});

it('never shows the assignee to the customer', async () => {
  const ticket = await newTicket();
  await assign(desk.admin.token, ticket.id, colleague.id);
  expect(await assigneeOf(desk.customer.token, ticket.id)).toBeNull();
});

it.each([
  ['a customer', () => desk.customer.id],
  ['an unknown id', () => randomUUID()],
  ['something that is no id', () => 'colleague'],
])('refuses to assign to %s (BAD_USER_INPUT naming assigneeId) and changes nothing', async (_, id) => {
  const ticket = await newTicket();
  await assign(desk.admin.token, ticket.id, colleague.id);
  const result = await assign(desk.admin.token, ticket.id, id());
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeId' });
  expect(await assigneeOf(desk.admin.token, ticket.id)).toMatchObject({ id: colleague.id });
});

it('refuses a removed team member, and a removed assignee leaves the ticket unassigned', async () => {
  const leaver = await signedInUser(desk.server, 'superadmin');
  const ticket = await newTicket();
  await assign(desk.admin.token, ticket.id, leaver.id);
  await desk.server.sql('DELETE FROM users WHERE id = $1', [leaver.id]);
  expect(await assigneeOf(desk.admin.token, ticket.id)).toBeNull();
  const result = await assign(desk.admin.token, ticket.id, leaver.id);
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeId' });
});

it('assigns an unassigned ticket to whoever sends its first public reply; a note does not assign', async () => {
  const ticket = await newTicket();
  await ok(desk.server, briefOps.replyToTicket, { input: { ticketId: ticket.id, message: 'Looking', internal: true } }, colleague.token);
  expect(await assigneeOf(desk.admin.token, ticket.id)).toBeNull();
  await desk.reply(colleague.token, ticket.id, 'Fixed');
  expect(await assigneeOf(desk.admin.token, ticket.id)).toMatchObject({ id: colleague.id });
  await desk.reply(desk.admin.token, ticket.id, 'Me too');
  expect(await assigneeOf(desk.admin.token, ticket.id)).toMatchObject({ id: colleague.id });
});

it('lists the open work of "Mine" and "Unassigned" (notClosed) with the totals the dashboard counts', async () => {
  const agent = await signedInUser(desk.server, 'superadmin');
  const [kept, closed] = [await newTicket(), await newTicket()];
  for (const t of [kept, closed]) await assign(desk.admin.token, t.id, agent.id);
  await desk.close(desk.admin.token, closed.id);
  const list = async (filter: object) => {
    const page = await desk.supportTickets(agent.token, { filter, first: 100 });
    return { total: page.totalCount, ids: page.nodes.map((t) => t.id) };
  };
  const count = async (where: string, params: unknown[] = []) =>
    (await desk.server.sql(`SELECT count(*)::int AS n FROM support_tickets WHERE ${where}`, params))[0].n;
  const stats = await desk.stats(agent.token);

  const mineOpen = await list({ assigneeId: agent.id, notClosed: true });
  expect(mineOpen.ids).toContain(kept.id);
  expect(mineOpen.ids).not.toContain(closed.id);
  expect(mineOpen.total).toBe(stats.mine);
  expect(mineOpen.total).toBe(await count(`assignee_id = $1 AND status <> 'closed'`, [agent.id]));
  expect((await list({ assigneeId: agent.id, notClosed: false })).ids).toContain(closed.id);
  expect((await list({ unassigned: true, notClosed: true })).total).toBe(stats.unassigned);
  // the kept counts answer every combination as a count of the rows would
  expect((await list({ notClosed: true })).total).toBe(await count(`status <> 'closed'`));
  expect((await list({ notClosed: true, status: 'CLOSED' })).total).toBe(0);
  expect((await list({ notClosed: true, slaBreached: false })).total).toBe(
    (await desk.supportTickets(agent.token, { filter: { notClosed: true, slaBreached: false }, first: 100 })).nodes.length,
  );
  expect((await list({ notClosed: true, search: 'Holiday' })).ids).not.toContain(closed.id);
  const searched = await list({ notClosed: false, search: 'Holiday' });
  expect(searched.total).toBe(searched.ids.length);
  expect(searched.ids).toContain(closed.id);
});

it('lists "Mine" and "Unassigned" with their counts, page by page', async () => {
  const mine = [await newTicket(), await newTicket(), await newTicket()];
  for (const t of mine) await assign(desk.admin.token, t.id, desk.admin.id);
  const list = (filter: object, after?: string) => desk.supportTickets(desk.admin.token, { filter, first: 2, after });
  const first = await list({ assigneeId: desk.admin.id });
  expect(first.totalCount).toBe(3);
  const second = await list({ assigneeId: desk.admin.id }, first.pageInfo.endCursor!);
  expect([...first.nodes, ...second.nodes].map((t) => t.id)).toEqual(mine.map((t) => t.id).reverse());
  const unassigned = await desk.supportTickets(desk.admin.token, { filter: { unassigned: true }, first: 100 });
  const [{ n }] = await desk.server.sql('SELECT count(*)::int AS n FROM support_tickets WHERE assignee_id IS NULL');
  expect(unassigned.totalCount).toBe(n);
  expect(unassigned.nodes.map((t) => t.id)).not.toContain(mine[0].id);
  const bad = await graphql(desk.server, ops.supportTickets, { filter: { assigneeId: 'me' } }, desk.admin.token);
  expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeId' });
});

it('counts "Mine" and "Unassigned" in the stats: tickets not closed, as a full count finds them', async () => {
  const countsOf = async (user: SignedIn) => {
    const { mine, unassigned } = await desk.stats(user.token);
    const [full] = await desk.server.sql(
      `SELECT count(*) FILTER (WHERE assignee_id = $1)::int AS mine, count(*) FILTER (WHERE assignee_id IS NULL)::int AS unassigned
         FROM support_tickets WHERE status <> 'closed'`,
      [user.id],
    );
    expect({ mine, unassigned }).toEqual(full);
    return { mine, unassigned };
  };
  const counts = async () => ({ admin: await countsOf(desk.admin), colleague: await countsOf(colleague) });
  const start = await counts();
  /** The stats now, as changes from the start: the admin's "Mine", the colleague's, and "Unassigned" (the same for both). */
  const expectChange = async (adminMine: number, colleagueMine: number, unassigned: number) =>
    expect(await counts()).toEqual({
      admin: { mine: start.admin.mine + adminMine, unassigned: start.admin.unassigned + unassigned },
      colleague: { mine: start.colleague.mine + colleagueMine, unassigned: start.colleague.unassigned + unassigned },
    });

  const ticket = await newTicket();
  await expectChange(0, 0, 1);
  await assign(desk.admin.token, ticket.id, desk.admin.id);
  await expectChange(1, 0, 0);
  await assign(desk.admin.token, ticket.id, colleague.id);
  await expectChange(0, 1, 0);
  await desk.setStatus(desk.admin.token, ticket.id, 'CLOSED');
  await expectChange(0, 0, 0);
  // assigning a closed ticket counts nowhere; reopening counts it again
  await assign(desk.admin.token, ticket.id, desk.admin.id);
  await expectChange(0, 0, 0);
  await desk.setStatus(desk.admin.token, ticket.id, 'OPEN');
  await expectChange(1, 0, 0);
  await assign(desk.admin.token, ticket.id, null);
  await expectChange(0, 0, 1);
  // the first public reply assigns; a removed assignee's tickets become unassigned
  const leaver = await signedInUser(desk.server, 'superadmin');
  await desk.reply(leaver.token, ticket.id, 'On it');
  await expectChange(0, 0, 0);
  await desk.server.sql('DELETE FROM users WHERE id = $1', [leaver.id]);
  await expectChange(0, 0, 1);
  await desk.server.sql('DELETE FROM support_tickets WHERE id = $1', [ticket.id]);
  await expectChange(0, 0, 0);
});

it("reads the lists' totals from the kept counts, closed tickets included, not by counting tickets", async () => {
  const [open, closed] = [await newTicket(), await newTicket()];
  for (const t of [open, closed]) await assign(desk.admin.token, t.id, colleague.id);
  await desk.close(desk.admin.token, closed.id);
  const logger = desk.server.db.logger;
  const capture = SqlCapture.install(desk.server.db);
  try {
    const counted = await capture.during(() => desk.supportTickets(desk.admin.token, { filter: { assigneeId: colleague.id }, first: 1 }));
    const [{ n }] = await desk.server.sql('SELECT count(*)::int AS n FROM support_tickets WHERE assignee_id = $1', [colleague.id]);
    expect(counted.result.totalCount).toBe(n);
    const counts = counted.statements.map((s) => s.sql).filter((sql) => /\bcount\(/i.test(sql));
    expect(counts.filter((sql) => /FROM "?support_tickets"?/i.test(sql))).toEqual([]);
  } finally {
    Object.assign(desk.server.db, { logger });
  }
});

it('lists the team members, for the team only', async () => {
  const members = (await ok(desk.server, ops.teamMembers, {}, desk.admin.token)).teamMembers;
  expect(members.map((m) => m.id)).toEqual(expect.arrayContaining([desk.admin.id, colleague.id]));
  expect(members.every((m) => m.role === 'SUPERADMIN')).toBe(true);
});

describe('live', () => {
  const sockets = useSockets();
  const connect = (user: SignedIn) => sockets.client(desk.server, user.token);

  it('tells the team of an assignment, and the customer nothing', async () => {
    const streams = watchStreams(desk.server);
    const ticket = await newTicket();
    const customerTicket = subscribe(connect(desk.customer), subscriptions.ticketUpdated, { ticketId: ticket.id });
    const customerAll = subscribe(connect(desk.customer), subscriptions.ticketUpdated, {});
    const teamTicket = subscribe(connect(desk.admin), subscriptions.ticketUpdated, { ticketId: ticket.id });
    const teamAll = subscribe(connect(colleague), subscriptions.ticketUpdated, {});
    await streams.until(topics.ticket(ticket.id), 1);
    await streams.until(topics.user(desk.customer.id), 1);
    await streams.until(topics.ticketForTeam(ticket.id), 1);
    await streams.until(topics.admins, 1);

    await assign(desk.admin.token, ticket.id, colleague.id);
    await teamTicket.waitFor(1);
    await teamAll.waitFor(1);
    await settle(200);
    expect(customerTicket.events).toEqual([]);
    expect(customerAll.events).toEqual([]);
    expect(teamTicket.events[0].data?.ticketUpdated.id).toBe(ticket.id);
  });
});
