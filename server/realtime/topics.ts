import { SupportReply } from '../support/reply.entity';
import { SupportTicket } from '../support/ticket.entity';

/** One topic per ticket, one per customer, one for the Lex team (DESIGN.md §2). */
export const topics = {
  ticket: (ticketId: string) => `ticket:${ticketId}`,
  user: (userId: string) => `user:${userId}`,
  admins: 'admins',
  /** Every instance listens here to close the sockets of ended sessions. */
  revokedSessions: 'sessions:revoked',
};

/** `asOf` is when the count was taken, so that a late, older count never replaces a newer one. */
export interface BadgeMessage {
  type: 'badge';
  count: number;
  asOf: Date;
}

export type TopicMessage =
  | { type: 'reply'; reply: SupportReply }
  | { type: 'ticket'; ticket: SupportTicket }
  | BadgeMessage;
