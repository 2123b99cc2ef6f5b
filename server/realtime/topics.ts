import { SupportReply } from '../support/reply.entity';
import { SupportTicket } from '../support/ticket.entity';

/**
 * A topic's name, typed with the messages it carries (as in TypeGraphQL's typed-topics examples):
 * a publish or a stream on a topic only type-checks with that topic's message.
 */
export type Topic<Message> = string & { readonly __message?: Message };

const topic = <Message>(name: string) => name as Topic<Message>;

/** A reply or a ticket's new state, on a ticket's own topic. */
export type TicketMessage = { type: 'reply'; reply: SupportReply } | { type: 'ticket'; ticket: SupportTicket };

/** `asOf` is when the count was taken, so that a late, older count never replaces a newer one. */
export interface BadgeMessage {
  count: number;
  asOf: Date;
}

/**
 * One topic per ticket, one per customer, one for the Lex team (docs/architecture.md), and the
 * badges on topics of their own, so that a badge subscriber never reads the ticket traffic.
 */
export const topics = {
  ticket: (ticketId: string) => topic<TicketMessage>(`ticket:${ticketId}`),
  /** The Lex team's side of one ticket: every reply and change, notes and assignments included (docs/architecture.md §8). */
  ticketForTeam: (ticketId: string) => topic<TicketMessage>(`ticket:${ticketId}:team`),
  /** "Look again" nudges for the subscribers of a ticket page's activity; they carry no state. */
  ticketActivity: (ticketId: string) => topic<{ type: 'activity' }>(`activity:${ticketId}`),
  user: (userId: string) => topic<SupportTicket>(`user:${userId}`),
  admins: topic<SupportTicket>('admins'),
  userBadge: (userId: string) => topic<BadgeMessage>(`badge:user:${userId}`),
  adminBadge: topic<BadgeMessage>('badge:admins'),
};
