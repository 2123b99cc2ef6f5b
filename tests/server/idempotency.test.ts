import { randomUUID } from 'node:crypto';
import { graphql } from '../helpers/graphql';
import { ops, useDesk } from '../helpers/support-api';

// A retry with the same clientMutationId returns the first result and writes nothing new.
const desk = useDesk();

const create = (clientMutationId: string, token = desk.customer.token, subject = 'Once only') =>
  graphql(desk.server, ops.createTicket, { input: { subject, category: 'OTHER', message: 'Hello', clientMutationId } }, token);
const reply = (ticketId: string, clientMutationId: string, token = desk.customer.token) =>
  graphql(desk.server, ops.replyToTicket, { input: { ticketId, message: 'Same words', clientMutationId } }, token);
const count = async (table: string, where = 'true', params: unknown[] = []) =>
  (await desk.server.sql(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;

describe('createTicket', () => {
  it('stores one ticket for a retried submit', async () => {
    const id = randomUUID();
    const first = await create(id);
    const second = await create(id);
    expect(second.data!.createTicket.id).toBe(first.data!.createTicket.id);
    expect(second.data!.createTicket.ticketNumber).toBe(first.data!.createTicket.ticketNumber);
    expect(await count('support_tickets', 'subject = $1', ['Once only'])).toBe(1);
    expect(await count('support_replies', 'ticket_id = $1', [first.data!.createTicket.id])).toBe(1);
  });

  it('stores one ticket for 20 simultaneous copies of one submit', async () => {
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => create(id, desk.customer.token, 'Double click')));
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.createTicket.id)).size).toBe(1);
    expect(await count('support_tickets', 'subject = $1', ['Double click'])).toBe(1);
  });

  it('keeps ids apart per user', async () => {
    const id = randomUUID();
    const mine = await create(id, desk.customer.token, 'Mine');
    const theirs = await create(id, desk.otherCustomer.token, 'Theirs');
    expect(theirs.data!.createTicket.id).not.toBe(mine.data!.createTicket.id);
    expect(theirs.data!.createTicket.subject).toBe('Theirs');
  });
});

describe('replyToTicket', () => {
  it('stores one reply for retried and simultaneous copies, from either side', async () => {
    const ticket = await desk.createTicket(desk.customer.token);
    for (const author of [desk.customer, desk.admin]) {
      const id = randomUUID();
      const first = await reply(ticket.id, id, author.token);
      const copies = await Promise.all(Array.from({ length: 10 }, () => reply(ticket.id, id, author.token)));
      expect(copies.map((r) => r.data!.replyToTicket.id)).toEqual(Array(10).fill(first.data!.replyToTicket.id));
    }
    expect(await count('support_replies', 'ticket_id = $1', [ticket.id])).toBe(3);
    // The unread counts moved once per stored reply.
    expect((await desk.ticket(desk.customer.token, ticket.id))!.unreadCount).toBe(1);
  });

  it('refuses an id used for another request, and a malformed one', async () => {
    const ticket = await desk.createTicket(desk.customer.token);
    const other = await desk.createTicket(desk.customer.token);
    const id = randomUUID();
    await reply(ticket.id, id);
    for (const result of [await reply(other.id, id), await create(id), await reply(ticket.id, 'not-a-uuid')]) {
      expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clientMutationId' });
    }
    expect(await count('support_replies', 'ticket_id = $1', [other.id])).toBe(1);
  });
});
