import type { ApolloCache } from '@apollo/client';
import {
  MyTicketsDocument,
  SupportTicketsDocument,
  TicketDocument,
  type ReplyFieldsFragment,
  type SupportTicketFilter,
  type TicketSummaryFragment,
} from '../gql/graphql';
import { mergeReplies } from './conversation';
import { upsertTicket, type ListFilter } from './ticket-list';

/** Page size of every ticket list. */
export const PAGE_SIZE = 25;

/**
 * A reply (from the replyAdded subscription, a mutation result or an
 * optimistic one) joins its ticket's conversation once, in order.
 */
export function addReplyToTicket(cache: ApolloCache, reply: ReplyFieldsFragment): void {
  cache.updateQuery({ query: TicketDocument, variables: { id: reply.ticketId } }, (data) => {
    const ticket = data?.supportTicket;
    if (!ticket) return undefined;
    const replies = mergeReplies(ticket.replies, [reply]);
    const unchanged =
      replies.length === ticket.replies.length && replies.every((r, i) => r === ticket.replies[i]);
    if (unchanged) return undefined;
    const lastReply = replies[replies.length - 1];
    return {
      ...data,
      supportTicket: {
        ...ticket,
        replies,
        updatedAt: reply.createdAt > ticket.updatedAt ? reply.createdAt : ticket.updatedAt,
        lastReply: lastReply
          ? {
              __typename: 'SupportReply' as const,
              id: lastReply.id,
              isAdmin: lastReply.isAdmin,
              senderName: lastReply.senderName,
              createdAt: lastReply.createdAt,
            }
          : ticket.lastReply,
      },
    };
  });
}

/** A changed or new ticket in the customer's own list. */
export function applyTicketToMyTickets(cache: ApolloCache, ticket: TicketSummaryFragment): void {
  cache.updateQuery({ query: MyTicketsDocument, variables: { first: PAGE_SIZE } }, (data) => {
    if (!data) return undefined;
    const next = upsertTicket(data.myTickets, ticket);
    if (next === data.myTickets) return undefined;
    return { ...data, myTickets: { ...data.myTickets, ...next } };
  });
}

/** A changed or new ticket in the admin list shown with `filter`. */
export function applyTicketToSupportTickets(
  cache: ApolloCache,
  ticket: TicketSummaryFragment,
  filter: SupportTicketFilter,
): void {
  cache.updateQuery(
    { query: SupportTicketsDocument, variables: { filter, first: PAGE_SIZE } },
    (data) => {
      if (!data) return undefined;
      const next = upsertTicket(data.supportTickets, ticket, filter as ListFilter);
      if (next === data.supportTickets) return undefined;
      return { ...data, supportTickets: { ...data.supportTickets, ...next } };
    },
  );
}
