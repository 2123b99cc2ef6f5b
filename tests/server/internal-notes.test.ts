// Internal notes (docs/architecture.md §8): the Lex team's words about a ticket, which its customer
// must never reach by any path — queries, counts, order, live events, search, or SQL on the app's connection.
import { createHash, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { withViewer } from '../../server/db/viewer-transaction';
import { TicketEmailOutbox } from '../../server/email/notifications';
import { SupportReply } from '../../server/support/reply.entity';
import { SupportTicket } from '../../server/support/ticket.entity';
import { topics } from '../../server/realtime/topics';
import { SignedIn } from '../helpers/accounts';
import { graphql, ok, settle, subscribe } from '../helpers/graphql';
import { briefOps, subscriptions } from '../helpers/operations';
import { useSockets } from '../helpers/sockets';
import { useDesk } from '../helpers/support-api';
import { watchStreams } from './live-helpers';

jest.setTimeout(20_000);
const desk = useDesk();

/** A transaction of the user's session, as the server opens them. */
const as = (user: SignedIn) => ({ sessionKey: createHash('sha256').update(user.token).digest('hex') });

const note = (token: string, ticketId: string, message: string, extra: { clientMutationId?: string } = {}) =>
  graphql(desk.server, briefOps.replyToTicket, { input: { ticketId, message, internal: true, ...extra } }, token);

async function ticketWithAnswer() {
  const ticket = await desk.createTicket(desk.customer.token, { subject: 'Payroll run', message: 'The run stopped' });
  const answer = await desk.reply(desk.admin.token, ticket.id, 'We are on it');
  return { ticket, answer };
}

it('stores a note from the Lex team, marked internal', async () => {
  const { ticket } = await ticketWithAnswer();
  const result = await note(desk.admin.token, ticket.id, 'Customer is on the legacy plan');
  expect(result.errors).toBeUndefined();
  expect(result.data!.replyToTicket).toMatchObject({ message: 'Customer is on the legacy plan', isAdmin: true, isInternal: true });
  const seen = await desk.ticket(desk.admin.token, ticket.id);
  expect(seen!.replies.map((r) => r.message)).toEqual(['The run stopped', 'We are on it', 'Customer is on the legacy plan']);
  expect(seen!.lastReply!.message).toBe('Customer is on the legacy plan');
});

it('refuses a note from a customer (FORBIDDEN), on any ticket, and stores nothing', async () => {
  const { ticket } = await ticketWithAnswer();
  for (const ticketId of [ticket.id, randomUUID()]) {
    const result = await note(desk.customer.token, ticketId, 'Let me in');
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  }
  const refused = await note(desk.otherCustomer.token, ticket.id, 'Let me in');
  expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(await desk.server.sql(`SELECT count(*)::int AS n FROM support_replies WHERE message = 'Let me in'`)).toEqual([{ n: 0 }]);
});

it('changes no status, no unread count, no badge and not updated_at', async () => {
  const { ticket } = await ticketWithAnswer();
  const before = await desk.ticket(desk.customer.token, ticket.id);
  const badgeBefore = await desk.unread(desk.customer.token);
  const teamBefore = await desk.ticket(desk.admin.token, ticket.id);
  await note(desk.admin.token, ticket.id, 'Escalate to payroll engineering');
  const after = await desk.ticket(desk.customer.token, ticket.id);
  const teamAfter = await desk.ticket(desk.admin.token, ticket.id);
  expect(pick(after!)).toEqual(pick(before!));
  expect(pick(teamAfter!)).toEqual(pick(teamBefore!));
  expect(await desk.unread(desk.customer.token)).toBe(badgeBefore);
});
const pick = (t: { status: string; updatedAt: string; unreadCount: number }) => ({
  status: t.status,
  updatedAt: t.updatedAt,
  unreadCount: t.unreadCount,
});

it('never shows a note to the customer: replies, lastReply, a page before a note, list order, search', async () => {
  const { ticket, answer } = await ticketWithAnswer();
  const older = await desk.createTicket(desk.customer.token, { subject: 'Older question' });
  const noted = (await note(desk.admin.token, ticket.id, 'Zanzibar refund exception')).data!.replyToTicket;
  const seen = await desk.ticket(desk.customer.token, ticket.id);
  expect(seen!.replies.map((r) => r.message)).toEqual(['The run stopped', 'We are on it']);
  expect(seen!.lastReply!.id).toBe(answer.id);
  // A page "before the note" is a page before a reply the customer does not have: empty.
  const page = await ok(
    desk.server,
    `query ($id: ID!, $before: ID) { supportTicket(id: $id) { replies(before: $before) { id } } }`,
    { id: ticket.id, before: noted.id },
    desk.customer.token,
  );
  expect(page.supportTicket.replies).toEqual([]);
  // The note did not move the ticket above the customer's newer one.
  const list = await desk.myTickets(desk.customer.token);
  expect(list.nodes.map((t) => t.id).indexOf(older.id)).toBeLessThan(list.nodes.map((t) => t.id).indexOf(ticket.id));
  // Search reads tickets' own fields, never replies; the search function run on the customer's session finds nothing.
  const found = await withViewer(desk.server.db, as(desk.customer), (manager) =>
    manager.query(`SELECT * FROM support_ticket_search('Zanzibar', NULL, NULL, NULL, NULL, 50)`),
  );
  expect(found).toEqual([]);
});

it('a retried note (same client mutation id) returns the first and stores one', async () => {
  const { ticket } = await ticketWithAnswer();
  const clientMutationId = randomUUID();
  const first = await note(desk.admin.token, ticket.id, 'Once only', { clientMutationId });
  const again = await note(desk.admin.token, ticket.id, 'Once only', { clientMutationId });
  expect(again.data!.replyToTicket).toEqual(first.data!.replyToTicket);
  expect(await desk.server.sql(`SELECT count(*)::int AS n FROM support_replies WHERE message = 'Once only'`)).toEqual([{ n: 1 }]);
});

describe('live', () => {
  const sockets = useSockets();
  const connect = (user: SignedIn) => sockets.client(desk.server, user.token);

  it('tells the Lex team of a note and the customer of nothing: no reply, no ticket change, no badge', async () => {
    const streams = watchStreams(desk.server);
    const { ticket } = await ticketWithAnswer();
    const customerReplies = subscribe(connect(desk.customer), subscriptions.replyAdded, { ticketId: ticket.id });
    const customerTicket = subscribe(connect(desk.customer), subscriptions.ticketUpdated, { ticketId: ticket.id });
    const customerAll = subscribe(connect(desk.customer), subscriptions.ticketUpdated, {});
    const customerBadge = subscribe(connect(desk.customer), subscriptions.supportBadge, {});
    const teamReplies = subscribe(connect(desk.admin), subscriptions.replyAdded, { ticketId: ticket.id });
    await streams.until(topics.ticket(ticket.id), 2);
    await streams.until(topics.ticketForTeam(ticket.id), 1);
    await streams.until(topics.user(desk.customer.id), 1);
    await streams.until(topics.userBadge(desk.customer.id), 1);
    await customerBadge.waitFor(1);

    await note(desk.admin.token, ticket.id, 'Internal: check the tax table');
    const publicReply = await desk.reply(desk.admin.token, ticket.id, 'Fixed now');
    await teamReplies.waitFor(2);
    await customerReplies.waitFor(1);
    await customerTicket.waitFor(1);
    await settle(200);
    expect(teamReplies.events.map((e) => [e.data?.replyAdded.message, e.data?.replyAdded.isInternal])).toEqual([
      ['Internal: check the tax table', true],
      ['Fixed now', false],
    ]);
    expect(customerReplies.events.map((e) => e.data?.replyAdded.id)).toEqual([publicReply.id]);
    // Only the public reply changed the ticket; the note reached none of the customer's streams.
    expect(customerTicket.events).toHaveLength(1);
    expect(customerAll.events).toHaveLength(1);
    const badge = customerBadge.events[0].data!.supportBadge;
    expect(customerBadge.events.map((e) => e.data?.supportBadge)).toEqual([badge, badge + 1]);
  });
});

describe('row-level security (forged SQL on the runtime connection)', () => {
  it('hides note rows from the customer’s own session and shows them to the Lex team', async () => {
    const { ticket } = await ticketWithAnswer();
    await note(desk.admin.token, ticket.id, 'Forged eyes only');
    const rows = (user: SignedIn) =>
      withViewer(desk.server.db, as(user), (manager) =>
        manager.query('SELECT message FROM support_replies WHERE ticket_id = $1 ORDER BY created_at', [ticket.id]),
      );
    expect(await rows(desk.customer)).toEqual([{ message: 'The run stopped' }, { message: 'We are on it' }]);
    expect((await rows(desk.admin)).map((r: { message: string }) => r.message)).toContain('Forged eyes only');
  });

  it('refuses a forged note, or turning a reply into one, from a customer session', async () => {
    const { ticket } = await ticketWithAnswer();
    await expect(
      withViewer(desk.server.db, as(desk.customer), (manager) =>
        manager.query(
          `INSERT INTO support_replies (ticket_id, message, is_admin, sender_name, is_internal) VALUES ($1, 'forged', true, 'Lex', true)`,
          [ticket.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withViewer(desk.server.db, as(desk.customer), (manager) =>
        manager.query(`UPDATE support_replies SET is_internal = true WHERE ticket_id = $1`, [ticket.id]),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(
      await desk.server.sql(`SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1 AND is_internal`, [ticket.id]),
    ).toEqual([{ n: 0 }]);
  });
});

it('emails nobody about a note, where a public reply emails the customer', async () => {
  const { ticket } = await ticketWithAnswer();
  const [noteRow] = await desk.server.sql(`SELECT * FROM support_replies WHERE ticket_id = $1 LIMIT 1`, [ticket.id]);
  const reply = {
    id: noteRow.id,
    ticketId: ticket.id,
    isAdmin: true,
    message: 'x',
    senderName: 'Lex',
    createdAt: new Date(),
  } as SupportReply;
  const jobsFor = (manager: EntityManager) =>
    manager.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = $1`, [`email.answer:${ticket.id}`]);
  const outbox = new TicketEmailOutbox({ notifyDelayS: 3600 });
  const stored = { id: ticket.id, userId: desk.customer.id, status: 'answered' } as unknown as SupportTicket;
  // In one transaction of the owner's, rolled back: what each change would enqueue.
  await desk.server.system
    .transaction(async (manager) => {
      await manager.query(`SELECT graphile_worker.remove_job($1)`, [`email.answer:${ticket.id}`]);
      await outbox.record(
        manager,
        { ticket: stored, reply: { ...reply, isInternal: true }, previousStatus: stored.status },
        desk.admin as never,
      );
      expect(await jobsFor(manager)).toEqual([{ n: 0 }]);
      await outbox.record(
        manager,
        { ticket: stored, reply: { ...reply, isInternal: false }, previousStatus: stored.status },
        desk.admin as never,
      );
      expect(await jobsFor(manager)).toEqual([{ n: 1 }]);
      throw new Error('rollback');
    })
    .catch((error: Error) => expect(error.message).toBe('rollback'));
});
