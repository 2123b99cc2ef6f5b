import { ApolloClient, ApolloLink } from '@apollo/client';
import { Observable } from 'rxjs';
import { createCache } from '../../client/src/apollo';
import {
  MyTicketsDocument,
  ReplyToTicketDocument,
  SupportTicketsDocument,
  TicketDocument,
  type MyTicketsQuery,
  type SupportTicketsQuery,
  type TicketSummaryFragment,
} from '../../client/src/gql/graphql';
import {
  addReplyToTicket,
  applyTicketToMyTickets,
  applyTicketToSupportTickets,
  PAGE_SIZE,
  supportTicketsVariables,
} from '../../client/src/support/cache-updates';
import { OPTIMISTIC_PREFIX, visibleReplies } from '../../client/src/support/conversation';
import { ticketMatchesFilter } from '../../client/src/support/ticket-list';
import { detail, reply, summary } from './fixtures';

const r1 = reply({ id: 'r1', createdAt: '2025-03-01T09:00:00.000Z' });
const r2 = reply({ id: 'r2', createdAt: '2025-03-01T09:05:00.000Z', isAdmin: true, senderName: 'Lena Lex' });
const r3 = reply({ id: 'r3', createdAt: '2025-03-01T09:10:00.000Z' });

function cacheWithTicket(replies = [r1]) {
  const cache = createCache();
  cache.writeQuery({ query: TicketDocument, variables: { id: 't1' }, data: { supportTicket: detail({ id: 't1', replies }) } });
  return cache;
}

function readReplies(cache: ReturnType<typeof createCache>, optimistic = false) {
  const data = cache.readQuery({ query: TicketDocument, variables: { id: 't1' }, optimistic });
  return data?.supportTicket?.replies.map((r) => r.id) ?? [];
}

function connection<T>(nodes: T[], hasNextPage = false) {
  return {
    __typename: 'SupportTicketConnection' as const,
    nodes,
    totalCount: nodes.length + (hasNextPage ? 10 : 0),
    totalCountCapped: false,
    pageInfo: { __typename: 'PageInfo' as const, hasNextPage, endCursor: hasNextPage ? 'cursor' : null },
  };
}

describe('replyAdded events in the cache', () => {
  it('adds a reply to the open conversation, in order', () => {
    const cache = cacheWithTicket([r1, r3]);
    addReplyToTicket(cache, r2);
    expect(readReplies(cache)).toEqual(['r1', 'r2', 'r3']);
  });

  it('adds the same reply only once', () => {
    const cache = cacheWithTicket();
    addReplyToTicket(cache, r2);
    addReplyToTicket(cache, r2);
    addReplyToTicket(cache, { ...r2 });
    expect(readReplies(cache)).toEqual(['r1', 'r2']);
  });

  it("moves the ticket's last reply and update time along", () => {
    const cache = cacheWithTicket();
    addReplyToTicket(cache, r2);
    const t = cache.readQuery({ query: TicketDocument, variables: { id: 't1' } })!.supportTicket!;
    expect(t.lastReply?.id).toBe('r2');
    expect(t.lastReply?.excerpt).toBe(r2.message.split('\n')[0]);
    expect(t.updatedAt).toBe(r2.createdAt);
  });

  it('keeps one copy of each reply, in order, whichever write brings them (the type policy)', () => {
    const cache = cacheWithTicket([r3, r1]);
    expect(readReplies(cache)).toEqual(['r1', 'r3']);
    // a refetch after a reconnect brings the full list again, with a reply the events missed
    cache.writeQuery({
      query: TicketDocument,
      variables: { id: 't1' },
      data: { supportTicket: detail({ id: 't1', replies: [r1, r2, { ...r1 }] }) },
    });
    expect(readReplies(cache)).toEqual(['r1', 'r2', 'r3']);
  });

  it('ignores replies of a ticket that is not loaded', () => {
    const cache = cacheWithTicket();
    expect(() => addReplyToTicket(cache, { ...r2, ticketId: 'other' })).not.toThrow();
    expect(readReplies(cache)).toEqual(['r1']);
  });

  it('never doubles an own reply: optimistic copy, then the event, then the mutation result', async () => {
    const cache = cacheWithTicket();
    let respond: () => void = () => {};
    const confirmed = reply({ id: 'r9', createdAt: '2025-03-01T09:20:00.000Z', message: 'Thanks, that worked' });
    const link = new ApolloLink(
      () =>
        new Observable((observer) => {
          respond = () => {
            observer.next({
              data: {
                replyToTicket: {
                  ...confirmed,
                  ticket: {
                    __typename: 'SupportTicket',
                    id: 't1',
                    status: 'OPEN',
                    updatedAt: confirmed.createdAt,
                    closedAt: null,
                    assignee: null,
                  },
                },
              },
            });
            observer.complete();
          };
        }),
    );
    const client = new ApolloClient({ cache, link });
    const pending = client.mutate({
      mutation: ReplyToTicketDocument,
      variables: { input: { ticketId: 't1', message: confirmed.message } },
      optimisticResponse: {
        replyToTicket: {
          ...confirmed,
          id: `${OPTIMISTIC_PREFIX}1`,
          createdAt: '2025-03-01T09:19:59.500Z',
          ticket: { __typename: 'SupportTicket', id: 't1', status: 'OPEN', updatedAt: r1.createdAt, closedAt: null, assignee: null },
        },
      },
      update(c, { data }) {
        if (!data) return;
        const { ticket: _t, ...fields } = data.replyToTicket;
        void _t;
        addReplyToTicket(c, fields);
      },
    });

    // shown at once
    expect(readReplies(cache, true)).toEqual(['r1', `${OPTIMISTIC_PREFIX}1`]);
    // the subscription event for the same reply wins the race against the response
    addReplyToTicket(cache, confirmed);
    const shown = cache.readQuery({ query: TicketDocument, variables: { id: 't1' }, optimistic: true })!.supportTicket!.replies;
    const visible = visibleReplies(shown);
    expect(visible).toHaveLength(2);
    expect(visible.filter((r) => r.message === confirmed.message)).toHaveLength(1);
    // the response settles: exactly one copy, the real one
    respond();
    await pending;
    expect(readReplies(cache, true)).toEqual(['r1', 'r9']);
    expect(readReplies(cache)).toEqual(['r1', 'r9']);
  });
});

describe('ticketUpdated events in the lists', () => {
  const t1 = summary({ id: 't1', ticketNumber: 1001, updatedAt: '2025-03-01T09:00:00.000Z' });
  const t2 = summary({ id: 't2', ticketNumber: 1002, updatedAt: '2025-03-01T08:00:00.000Z' });

  function cacheWithMyTickets(nodes: TicketSummaryFragment[], hasNextPage = false) {
    const cache = createCache();
    const data: MyTicketsQuery = { myTickets: connection(nodes, hasNextPage) };
    cache.writeQuery({ query: MyTicketsDocument, variables: { first: PAGE_SIZE }, data });
    return cache;
  }
  const myIds = (cache: ReturnType<typeof createCache>) =>
    cache.readQuery({ query: MyTicketsDocument, variables: { first: PAGE_SIZE } })!.myTickets.nodes.map((n) => n.id);

  it('moves a ticket with a new update to the top', () => {
    const cache = cacheWithMyTickets([t1, t2]);
    applyTicketToMyTickets(cache, { ...t2, status: 'ANSWERED', updatedAt: '2025-03-01T10:00:00.000Z' });
    expect(myIds(cache)).toEqual(['t2', 't1']);
    const data = cache.readQuery({ query: MyTicketsDocument, variables: { first: PAGE_SIZE } })!;
    expect(data.myTickets.nodes[0].status).toBe('ANSWERED');
  });

  it('inserts a new ticket once and counts it', () => {
    const cache = cacheWithMyTickets([t1, t2]);
    const t3 = summary({ id: 't3', ticketNumber: 1003, updatedAt: '2025-03-01T11:00:00.000Z' });
    applyTicketToMyTickets(cache, t3);
    applyTicketToMyTickets(cache, t3);
    expect(myIds(cache)).toEqual(['t3', 't1', 't2']);
    expect(cache.readQuery({ query: MyTicketsDocument, variables: { first: PAGE_SIZE } })!.myTickets.totalCount).toBe(3);
  });

  it('does not touch a list that was never loaded', () => {
    const cache = createCache();
    expect(() => applyTicketToMyTickets(cache, t1)).not.toThrow();
    expect(cache.readQuery({ query: MyTicketsDocument, variables: { first: PAGE_SIZE } })).toBeNull();
  });

  it('keeps a filtered admin list to the tickets that match', () => {
    const cache = createCache();
    const client = new ApolloClient({ cache, link: ApolloLink.empty() });
    const filter = { status: 'OPEN' as const };
    const data: SupportTicketsQuery = { supportTickets: connection([t1, t2]) };
    const variables = supportTicketsVariables(filter, 'UPDATED_DESC');
    cache.writeQuery({ query: SupportTicketsDocument, variables, data });
    const read = () => cache.readQuery({ query: SupportTicketsDocument, variables })!.supportTickets;

    applyTicketToSupportTickets(client, { ...t1, status: 'ANSWERED', updatedAt: '2025-03-01T12:00:00.000Z' }, filter, 'UPDATED_DESC');
    expect(read().nodes.map((n) => n.id)).toEqual(['t2']);
    expect(read().totalCount).toBe(1);

    applyTicketToSupportTickets(
      client,
      summary({ id: 't4', status: 'CLOSED', updatedAt: '2025-03-01T13:00:00.000Z' }),
      filter,
      'UPDATED_DESC',
    );
    expect(read().nodes.map((n) => n.id)).toEqual(['t2']);

    applyTicketToSupportTickets(
      client,
      summary({ id: 't5', status: 'OPEN', updatedAt: '2025-03-01T13:00:00.000Z' }),
      filter,
      'UPDATED_DESC',
    );
    expect(read().nodes.map((n) => n.id)).toEqual(['t5', 't2']);
    expect(read().totalCount).toBe(2);
  });

  it('appends a next page without doubling rows', () => {
    const cache = createCache();
    cache.writeQuery({ query: MyTicketsDocument, variables: { first: 1 }, data: { myTickets: connection([t1], true) } });
    cache.writeQuery({ query: MyTicketsDocument, variables: { first: 1, after: 'cursor' }, data: { myTickets: connection([t1, t2]) } });
    const ids = cache.readQuery({ query: MyTicketsDocument, variables: { first: 1 } })!.myTickets.nodes.map((n) => n.id);
    expect(ids).toEqual(['t1', 't2']);
  });
});

describe('ticket list rules', () => {
  const t = summary({ id: 't1', ticketNumber: 1234, subject: 'Invoice is wrong', userName: 'Cora Customer', category: 'BILLING' });

  it.each([
    [{ search: '#1234' }, true],
    [{ search: '1234' }, true],
    [{ search: '123' }, false],
    [{ search: 'invoice' }, true],
    [{ search: 'cora' }, true],
    [{ search: 'acme' }, true],
    [{ search: 'cora@acme' }, true],
    [{ search: 'payroll' }, false],
    [{ category: 'BILLING' as const }, true],
    [{ category: 'TECHNICAL' as const }, false],
    [{ status: 'OPEN' as const, category: 'BILLING' as const }, true],
    [{ status: 'CLOSED' as const }, false],
    [{ notClosed: true }, true],
    [{ notClosed: false }, false],
    [{}, true],
  ])('filter %j matches: %s', (filter, expected) => {
    expect(ticketMatchesFilter(t, filter)).toBe(expected);
  });
});
