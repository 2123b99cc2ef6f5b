import { graphql, ok } from './graphql';
import { signedInUser } from './accounts';
import { TestServer, startTestServer } from './server';

// The operations of the contract, as the tests call them.
export const TICKET = `id ticketNumber subject category status createdAt updatedAt closedAt userName userEmail unreadCount
  tenant { name } lastReply { id message isAdmin } replies { id message isAdmin senderName createdAt }`;

export const ops = {
  createTicket: `mutation ($input: CreateTicketInput!) { createTicket(input: $input) { ${TICKET} } }`,
  replyToTicket: `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { id ticketId message isAdmin senderName createdAt ticket { status } } }`,
  closeTicket: `mutation ($id: ID!) { closeTicket(id: $id) { ${TICKET} } }`,
  setTicketStatus: `mutation ($id: ID!, $status: TicketStatus!) { setTicketStatus(id: $id, status: $status) { ${TICKET} } }`,
  markTicketRead: `mutation ($id: ID!) { markTicketRead(id: $id) { ${TICKET} } }`,
  supportTicket: `query ($id: ID!) { supportTicket(id: $id) { ${TICKET} } }`,
  myTickets: `query ($status: TicketStatus, $first: Int, $after: String) {
    myTickets(status: $status, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id ticketNumber status unreadCount } } }`,
  supportTickets: `query ($filter: SupportTicketFilter, $first: Int, $after: String) {
    supportTickets(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id ticketNumber subject status userName tenant { name } } } }`,
  supportStats: `{ supportStats { open inProgress answered closed total } }`,
  unreadReplyCount: `{ unreadReplyCount }`,
  me: `{ me { id email name role tenant { name } } }`,
};

export type Ticket = {
  id: string;
  ticketNumber: number;
  subject: string;
  category: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  userName: string;
  userEmail: string;
  unreadCount: number;
  tenant: { name: string };
  lastReply: { id: string; message: string; isAdmin: boolean } | null;
  replies: { id: string; message: string; isAdmin: boolean; senderName: string; createdAt: string }[];
};

export const api = (server: TestServer) => ({
  createTicket: async (token: string, input: { subject?: string; category?: string; message?: string } = {}) =>
    (
      await ok<{ createTicket: Ticket }>(server, ops.createTicket, {
        input: { subject: 'Cannot export my contract', category: 'TECHNICAL', message: 'The export button does nothing.', ...input },
      }, token)
    ).createTicket,
  reply: async (token: string, ticketId: string, message = 'A reply') =>
    (await ok(server, ops.replyToTicket, { input: { ticketId, message } }, token)).replyToTicket,
  close: async (token: string, id: string) => (await ok<{ closeTicket: Ticket }>(server, ops.closeTicket, { id }, token)).closeTicket,
  setStatus: async (token: string, id: string, status: string) =>
    (await ok<{ setTicketStatus: Ticket }>(server, ops.setTicketStatus, { id, status }, token)).setTicketStatus,
  markRead: async (token: string, id: string) => (await ok<{ markTicketRead: Ticket }>(server, ops.markTicketRead, { id }, token)).markTicketRead,
  ticket: async (token: string, id: string) => (await ok<{ supportTicket: Ticket | null }>(server, ops.supportTicket, { id }, token)).supportTicket,
  myTickets: async (token: string, variables: Record<string, unknown> = {}) => (await ok(server, ops.myTickets, variables, token)).myTickets,
  supportTickets: async (token: string, variables: Record<string, unknown> = {}) => (await ok(server, ops.supportTickets, variables, token)).supportTickets,
  stats: async (token: string) => (await ok(server, ops.supportStats, {}, token)).supportStats,
  unread: async (token: string) => (await ok(server, ops.unreadReplyCount, {}, token)).unreadReplyCount as number,
  raw: (query: string, variables: Record<string, unknown>, token?: string) => graphql(server, query, variables, token),
});

/** A server with a customer (of Acme) and a superadmin signed in: what most tests of the desk start from. */
export async function openDesk() {
  const server = await startTestServer();
  return {
    server,
    desk: api(server),
    customer: await signedInUser(server, 'customer', 'Acme'),
    admin: await signedInUser(server, 'superadmin'),
  };
}
