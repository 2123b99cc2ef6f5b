import { graphql } from '../helpers/graphql';
import { ops, useDesk } from '../helpers/support-api';

// Rule 9: concurrent writes on one ticket never lose a reply and never leave a status that
// contradicts the last committed event.
const desk = useDesk();

it('stores all of 50 simultaneous replies from both sides fired together with a close', async () => {
  const ticket = await desk.createTicket(desk.customer.token);
  const replies = Array.from({ length: 50 }, (_, i) => {
    const author = i % 2 ? desk.admin : desk.customer;
    return graphql(desk.server, ops.replyToTicket, { input: { ticketId: ticket.id, message: `reply ${i}` } }, author.token);
  });
  const close = graphql(desk.server, ops.closeTicket, { id: ticket.id }, desk.customer.token);
  const results = await Promise.all([...replies, close]);
  expect(results.filter((r) => r.errors)).toEqual([]);

  const stored = await desk.server.sql(`SELECT message, is_admin FROM support_replies WHERE ticket_id = $1 ORDER BY created_at, id`, [
    ticket.id,
  ]);
  expect(stored).toHaveLength(51);
  expect(new Set(stored.map((r: { message: string }) => r.message)).size).toBe(51);

  // The status follows from the last committed event alone: a close, an admin reply or a customer reply.
  const final = (await desk.ticket(desk.admin.token, ticket.id))!;
  const closeResult = (await close).data!.closeTicket;
  const last = stored[stored.length - 1];
  if (final.status === 'CLOSED') {
    expect(closeResult.updatedAt).toBe(final.updatedAt);
    expect(final.closedAt).not.toBeNull();
  } else {
    expect(final.status).toBe(last.is_admin ? 'ANSWERED' : 'OPEN');
    expect(final.closedAt).toBeNull();
  }
  // Unread counters match the replies: every reply is counted by the other side since its own last reply.
  const [{ customer_unread_count, admin_unread_count }] = await desk.server.sql(
    'SELECT customer_unread_count, admin_unread_count FROM support_tickets WHERE id = $1',
    [ticket.id],
  );
  const trailing = (admin: boolean) => {
    let n = 0;
    for (let i = stored.length - 1; i >= 0 && stored[i].is_admin === admin; i--) n++;
    return n;
  };
  expect(customer_unread_count).toBe(last.is_admin ? trailing(true) : 0);
  expect(admin_unread_count).toBe(last.is_admin ? 0 : trailing(false));
});

it('gives 100 simultaneous new tickets 100 different numbers', async () => {
  const created = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      graphql(
        desk.server,
        ops.createTicket,
        { input: { subject: `Ticket ${i}`, category: 'OTHER', message: 'Hello' } },
        desk.customer.token,
      ),
    ),
  );
  expect(created.filter((r) => r.errors)).toEqual([]);
  const numbers = created.map((r) => r.data!.createTicket.ticketNumber);
  expect(new Set(numbers).size).toBe(100);
  const [{ replies }] = await desk.server.sql(`SELECT count(*)::int AS replies FROM support_replies WHERE ticket_id = ANY($1)`, [
    created.map((r) => r.data!.createTicket.id),
  ]);
  expect(replies).toBe(100);
});
