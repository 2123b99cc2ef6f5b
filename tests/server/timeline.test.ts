// The timeline (docs/architecture.md §10): every change leaves its event in its own transaction; a
// customer sees the customer kinds of their own tickets, without team members' names, by any path.
import { createHash } from 'node:crypto';
import { Role } from '../../server/accounts/user.entity';
import { withViewer } from '../../server/db/viewer-transaction';
import { eventsOf } from '../../server/lifecycle/ticket-lifecycle';
import type { TicketChange } from '../../server/support/ticket-commands';
import type { SupportTicket } from '../../server/support/ticket.entity';
import { TicketStatus } from '../../server/support/ticket-status';
import { DEFAULT_BUSINESS_HOURS, addBusinessHours, parseBusinessHours } from '../../server/lifecycle/business-hours';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql, ok } from '../helpers/graphql';
import { TicketEvent, lifecycleOps, ops } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';

jest.setTimeout(30_000);
const desk = useDesk();
let colleague: SignedIn;
let tenantMate: SignedIn;
beforeAll(async () => {
  colleague = await signedInUser(desk.server, 'superadmin');
  tenantMate = await signedInUser(desk.server, 'customer', 'Acme');
});

/** A transaction of the user's session, as the server opens them. */
const as = (user: SignedIn) => ({ sessionKey: createHash('sha256').update(user.token).digest('hex') });
const lifecycle = async (user: SignedIn, id: string) => (await ok(desk.server, lifecycleOps.ticket, { id }, user.token)).supportTicket;
/** The events without ids and times, as the tables below write them. */
const lines = (events: TicketEvent[]) =>
  events.map(({ kind, actorName, actorRole, fromStatus, toStatus, assigneeName }) =>
    [
      kind,
      actorRole && `${actorRole}:${actorName}`,
      fromStatus && `${fromStatus}→${toStatus}`,
      toStatus && !fromStatus && `→${toStatus}`,
      assigneeName,
    ]
      .filter(Boolean)
      .join(' '),
  );
const newTicket = () => desk.createTicket(desk.customer.token, { subject: 'Pension scheme', message: 'Which scheme applies?' });

describe('the lines a change leaves', () => {
  const { OPEN, ANSWERED, CLOSED } = TicketStatus;
  const createdAt = new Date('2026-03-02T09:00:00Z');
  const updatedAt = new Date('2026-03-02T10:00:00Z');
  const ticket = (status: TicketStatus) => ({ status, createdAt, updatedAt }) as SupportTicket;
  const ann = { id: 'a', name: 'Ann', role: Role.SUPERADMIN, email: 'ann@lex.example', tenantId: null, sessionKey: 'k' };
  const bob = { id: 'b', name: 'Bob' };
  it.each<[string, Omit<TicketChange, 'ticket'> & { status: TicketStatus }, object[]]>([
    ['a new ticket', { status: OPEN }, [{ kind: 'created', toStatus: OPEN, at: createdAt }]],
    [
      'a status change',
      { status: ANSWERED, previousStatus: OPEN },
      [{ kind: 'status_changed', fromStatus: OPEN, toStatus: ANSWERED, at: updatedAt }],
    ],
    ['the same status (a read marker, a note, a retried close)', { status: OPEN, previousStatus: OPEN }, []],
    [
      'a first team reply to an unassigned ticket',
      { status: ANSWERED, previousStatus: OPEN, assignment: { assignee: { id: 'a', name: 'Ann' }, previousName: null } },
      [
        { kind: 'status_changed', fromStatus: OPEN, toStatus: ANSWERED, at: updatedAt },
        { kind: 'assigned', assigneeName: 'Ann' },
      ],
    ],
    [
      'an assignment',
      { status: OPEN, previousStatus: OPEN, assignment: { assignee: bob, previousName: 'Ann' } },
      [{ kind: 'assigned', assigneeName: 'Bob' }],
    ],
    [
      'an unassignment',
      { status: OPEN, previousStatus: OPEN, assignment: { assignee: null, previousName: 'Bob' } },
      [{ kind: 'unassigned', assigneeName: 'Bob' }],
    ],
    ['a rating of the close', { status: CLOSED, previousStatus: CLOSED, rated: true }, [{ kind: 'rated' }]],
  ])('%s', (_name, { status, ...change }, expected) => {
    expect(eventsOf({ ticket: ticket(status), ...change }, ann)).toEqual(expected.map((line) => ({ actor: ann, ...line })));
  });

  it('an auto-close: the system closed it (no actor)', () => {
    const change = { ticket: ticket(TicketStatus.CLOSED), previousStatus: ANSWERED, autoClosedAfterHours: 168 };
    expect(eventsOf(change, null)).toEqual([
      { kind: 'auto_closed', actor: null, fromStatus: ANSWERED, toStatus: TicketStatus.CLOSED, at: updatedAt },
    ]);
  });
});

it('records every change once, in order, and nothing for what changes nothing', async () => {
  const ticket = await newTicket();
  const c = `CUSTOMER:${desk.customer.name}`;
  const a = `SUPERADMIN:${desk.admin.name}`;
  const b = `SUPERADMIN:${colleague.name}`;

  await desk.markRead(desk.admin.token, ticket.id);
  const note = await graphql(
    desk.server,
    ops.replyToTicket,
    { input: { ticketId: ticket.id, message: 'VIP', internal: true } },
    desk.admin.token,
  );
  expect(note.errors).toBeUndefined();
  await desk.reply(desk.admin.token, ticket.id, 'The 2024 scheme'); // answers, and assigns the ticket to its first responder
  await desk.reply(desk.admin.token, ticket.id, 'See also the CAO'); // ANSWERED stays ANSWERED
  await desk.reply(desk.customer.token, ticket.id, 'Thanks, one more question');
  await desk.setStatus(desk.admin.token, ticket.id, 'IN_PROGRESS');
  await desk.setStatus(desk.admin.token, ticket.id, 'IN_PROGRESS'); // no change
  const refused = await graphql(desk.server, ops.setTicketStatus, { id: ticket.id, status: 'OPEN' }, desk.admin.token);
  expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  await ok(desk.server, ops.assignTicket, { id: ticket.id, assigneeId: colleague.id }, desk.admin.token);
  await ok(desk.server, ops.assignTicket, { id: ticket.id, assigneeId: colleague.id }, desk.admin.token); // no change
  await ok(desk.server, ops.assignTicket, { id: ticket.id, assigneeId: null }, colleague.token);
  await desk.close(desk.customer.token, ticket.id);
  await desk.close(desk.admin.token, ticket.id); // closing a closed ticket is a no-op

  const team = (await lifecycle(desk.admin, ticket.id))!;
  expect(lines(team.events)).toEqual([
    `CREATED ${c} →OPEN`,
    `STATUS_CHANGED ${a} OPEN→ANSWERED`,
    `ASSIGNED ${a} ${desk.admin.name}`,
    `STATUS_CHANGED ${c} ANSWERED→OPEN`,
    `STATUS_CHANGED ${a} OPEN→IN_PROGRESS`,
    `ASSIGNED ${a} ${colleague.name}`,
    `UNASSIGNED ${b} ${colleague.name}`,
    `STATUS_CHANGED ${c} IN_PROGRESS→CLOSED`,
  ]);
  // The events' times are the changes' own: the ticket's creation, and its last update for the close.
  expect(team.events[0].createdAt).toBe(ticket.createdAt);
  expect(team.events.at(-1)!.createdAt).toBe(team.updatedAt);
  const times = team.events.map((e) => Date.parse(e.createdAt));
  expect(times).toEqual([...times].sort((x, y) => x - y));

  // The customer: the customer kinds only, and "the Lex team" for what a team member did.
  const customer = (await lifecycle(desk.customer, ticket.id))!;
  expect(lines(customer.events)).toEqual([
    `CREATED ${c} →OPEN`,
    `STATUS_CHANGED SUPERADMIN:null OPEN→ANSWERED`,
    `STATUS_CHANGED ${c} ANSWERED→OPEN`,
    `STATUS_CHANGED SUPERADMIN:null OPEN→IN_PROGRESS`,
    `STATUS_CHANGED ${c} IN_PROGRESS→CLOSED`,
  ]);
  expect(customer.events.map((e) => e.id)).toEqual(team.events.filter((e) => !e.kind.endsWith('ASSIGNED')).map((e) => e.id));
  expect(JSON.stringify(customer)).not.toMatch(new RegExp(`${desk.admin.name}|${colleague.name}`));
});

it('sets firstResponseAt at the first public team reply, to that reply’s time', async () => {
  const ticket = await newTicket();
  await desk.reply(desk.customer.token, ticket.id, 'Anyone?');
  await graphql(desk.server, ops.replyToTicket, { input: { ticketId: ticket.id, message: 'note', internal: true } }, desk.admin.token);
  await desk.setStatus(desk.admin.token, ticket.id, 'IN_PROGRESS');
  expect((await lifecycle(desk.admin, ticket.id))!.firstResponseAt).toBeNull();
  const first = await desk.reply(desk.admin.token, ticket.id, 'Here it is');
  await desk.reply(desk.customer.token, ticket.id, 'And another thing');
  await desk.reply(colleague.token, ticket.id, 'Also this');
  for (const user of [desk.admin, desk.customer]) expect((await lifecycle(user, ticket.id))!.firstResponseAt).toBe(first.createdAt);
  const [row] = await desk.server.sql(
    `SELECT t.first_response_at = r.created_at AS exact FROM support_tickets t JOIN support_replies r ON r.id = $2 WHERE t.id = $1`,
    [ticket.id, first.id],
  );
  expect(row.exact).toBe(true);
});

describe('who may read a timeline', () => {
  const read = (token: string | undefined, id: string) => graphql(desk.server, lifecycleOps.ticket, { id }, token);

  it('the owner and the Lex team; another customer of the same or another tenant sees no ticket; signed out is refused', async () => {
    const ticket = await newTicket();
    await desk.reply(desk.admin.token, ticket.id, 'Answer');
    expect((await read(desk.customer.token, ticket.id)).data!.supportTicket!.events).toHaveLength(2);
    expect((await read(desk.admin.token, ticket.id)).data!.supportTicket!.events).toHaveLength(3);
    for (const stranger of [tenantMate, desk.otherCustomer])
      expect(await read(stranger.token, ticket.id)).toEqual({ data: { supportTicket: null } });
    const anonymous = await read(undefined, ticket.id);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.supportTicket ?? null).toBeNull();
  });

  it('gives customers no service level; the team’s is due 8 business hours after opening by default', async () => {
    const ticket = await newTicket();
    expect((await lifecycle(desk.customer, ticket.id))!.sla).toBeNull();
    const due = addBusinessHours(parseBusinessHours(DEFAULT_BUSINESS_HOURS), new Date(ticket.createdAt), 8);
    expect((await lifecycle(desk.admin, ticket.id))!.sla).toEqual({ firstResponseDueAt: due.toISOString(), breached: false });
  });
});

describe('row-level security (forged SQL on the runtime connection)', () => {
  const forged = <T = any>(user: SignedIn, sql: string, params: unknown[] = []) =>
    withViewer<T>(desk.server.db, as(user), (manager) => manager.query(sql, params));

  it('shows a customer the customer kinds of their own tickets only', async () => {
    const ticket = await newTicket();
    await desk.reply(desk.admin.token, ticket.id, 'Answer'); // STATUS_CHANGED and ASSIGNED
    const kinds = async (user: SignedIn) =>
      (await forged<{ kind: string }[]>(user, `SELECT kind FROM ticket_events WHERE ticket_id = $1 ORDER BY seq`, [ticket.id])).map(
        (r) => r.kind,
      );
    expect(await kinds(desk.customer)).toEqual(['created', 'status_changed']);
    expect(await kinds(desk.admin)).toEqual(['created', 'status_changed', 'assigned']);
    expect(await kinds(tenantMate)).toEqual([]);
    expect(await kinds(desk.otherCustomer)).toEqual([]);
    expect(await forged(desk.otherCustomer, `SELECT count(*)::int AS n FROM ticket_events`)).toEqual([{ n: 0 }]);
  });

  it('refuses forged events, and any change to the timeline', async () => {
    const ticket = await newTicket();
    const insert = (user: SignedIn, kind: string, actorRole: string, actorId: string) =>
      forged(user, `INSERT INTO ticket_events (ticket_id, kind, actor_id, actor_name, actor_role) VALUES ($1, $2, $3, 'Forger', $4)`, [
        ticket.id,
        kind,
        actorId,
        actorRole,
      ]);
    // A team-only kind, the team's name, someone else's name, someone else's ticket.
    await expect(insert(desk.customer, 'assigned', 'customer', desk.customer.id)).rejects.toThrow(/row-level security/);
    await expect(insert(desk.customer, 'status_changed', 'superadmin', desk.customer.id)).rejects.toThrow(/row-level security/);
    await expect(insert(desk.customer, 'status_changed', 'customer', tenantMate.id)).rejects.toThrow(/row-level security/);
    await expect(insert(desk.customer, 'auto_closed', 'customer', desk.customer.id)).rejects.toThrow(/row-level security/);
    await expect(insert(tenantMate, 'status_changed', 'customer', tenantMate.id)).rejects.toThrow(/row-level security/);
    for (const user of [desk.customer, desk.admin]) {
      await expect(forged(user, `UPDATE ticket_events SET actor_name = 'x' WHERE ticket_id = $1`, [ticket.id])).rejects.toThrow(
        /permission denied/,
      );
      await expect(forged(user, `DELETE FROM ticket_events WHERE ticket_id = $1`, [ticket.id])).rejects.toThrow(/permission denied/);
    }
    expect(await desk.server.sql(`SELECT kind, actor_name FROM ticket_events WHERE ticket_id = $1`, [ticket.id])).toEqual([
      { kind: 'created', actor_name: desk.customer.name },
    ]);
  });
});
