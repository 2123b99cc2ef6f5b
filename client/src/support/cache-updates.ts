import type { ApolloCache, ApolloClient } from '@apollo/client';
import {
  MyTicketsDocument,
  SupportTicketCountDocument,
  SupportTicketsDocument,
  TicketReplyAddedFragmentDoc,
  type ReplyFieldsFragment,
  type SupportTicketFilter,
  type SupportTicketOrder,
  type TicketSummaryFragment,
} from '../gql/graphql';
import { messageExcerpt } from '../../../server/support/excerpt';
import { compareReplies } from './conversation';
import { STATUSES } from './status';
import { upsertTicket, type ListFilter } from './ticket-list';

/** Page size of every ticket list. */
export const PAGE_SIZE = 25;

/**
 * A reply (from the replyAdded subscription, a mutation result or an optimistic one) joins its
 * ticket's conversation, if that conversation is loaded; the `SupportTicket.replies` type policy
 * (apollo.ts) places it once, in order. The ticket's last reply moves along, and its update time
 * unless the reply is an internal note.
 */
export function addReplyToTicket(cache: ApolloCache, reply: ReplyFieldsFragment): void {
  const id = cache.identify({ __typename: 'SupportTicket', id: reply.ticketId });
  const fragment = { id, fragment: TicketReplyAddedFragmentDoc, fragmentName: 'TicketReplyAdded' } as const;
  const ticket = cache.readFragment(fragment);
  if (!ticket) return;
  const latest = !ticket.lastReply || compareReplies(reply, ticket.lastReply) > 0;
  cache.writeFragment({
    ...fragment,
    data: {
      __typename: 'SupportTicket',
      replies: [reply],
      // an internal note is not conversation activity: it does not move the ticket (docs/architecture.md §8)
      updatedAt: !reply.isInternal && reply.createdAt > ticket.updatedAt ? reply.createdAt : ticket.updatedAt,
      lastReply: latest
        ? {
            __typename: 'SupportReply',
            id: reply.id,
            isAdmin: reply.isAdmin,
            senderName: reply.senderName,
            createdAt: reply.createdAt,
            excerpt: messageExcerpt(reply.message),
          }
        : ticket.lastReply,
    },
  });
}

/**
 * A changed or new ticket in the customer's own lists: the whole list and each status's (those not
 * loaded are left alone). A status list with pages still to load keeps its total when only the
 * server knows it (upsertTicket).
 */
export function applyTicketToMyTickets(cache: ApolloCache, ticket: TicketSummaryFragment): void {
  for (const status of [undefined, ...STATUSES]) {
    cache.updateQuery({ query: MyTicketsDocument, variables: { first: PAGE_SIZE, status } }, (data) => {
      if (!data) return undefined;
      const { list } = upsertTicket(data.myTickets, ticket, { status });
      return list === data.myTickets ? undefined : { ...data, myTickets: list };
    });
  }
}

/** The variables of the team's list shown with `filter` in `orderBy`, as every reader and writer of its cache entry passes them. */
export const supportTicketsVariables = (filter: SupportTicketFilter, orderBy: SupportTicketOrder) => ({
  filter,
  orderBy,
  first: PAGE_SIZE,
});

/**
 * A changed or new ticket in the admin list shown with `filter` in `orderBy`. When only the server
 * knows the new total (see upsertTicket), it is asked for it.
 */
export function applyTicketToSupportTickets(
  client: ApolloClient,
  ticket: TicketSummaryFragment,
  filter: SupportTicketFilter,
  orderBy: SupportTicketOrder,
): void {
  const variables = supportTicketsVariables(filter, orderBy);
  let countKnown = true;
  client.cache.updateQuery({ query: SupportTicketsDocument, variables }, (data) => {
    if (!data) return undefined;
    const update = upsertTicket(data.supportTickets, ticket, filter as ListFilter, orderBy);
    countKnown = update.countKnown;
    return update.list === data.supportTickets ? undefined : { ...data, supportTickets: update.list };
  });
  if (!countKnown) void recountSupportTickets(client, filter, orderBy);
}

async function recountSupportTickets(client: ApolloClient, filter: SupportTicketFilter, orderBy: SupportTicketOrder): Promise<void> {
  // Not through the cache: a one-row page would replace the list's loaded pages.
  const { data } = await client.query({ query: SupportTicketCountDocument, variables: { filter }, fetchPolicy: 'no-cache' });
  const count = data?.supportTicketCount;
  if (count === undefined) return;
  const { totalCount, totalCountCapped } = count;
  client.cache.updateQuery({ query: SupportTicketsDocument, variables: supportTicketsVariables(filter, orderBy) }, (list) =>
    list ? { ...list, supportTickets: { ...list.supportTickets, totalCount, totalCountCapped } } : undefined,
  );
}
