import { SignedIn, signedInUser } from './accounts';
import { graphql, ok } from './graphql';
import { ops, type CreateTicketInput, type TicketStatus, type VariablesOf } from './operations';
import { TestServer, TestServerOptions, startTestServer } from './server';

export { TICKET, ops, type Ticket } from './operations';

/** The operations of the contract bound to one server, as the tests call them. */
export const api = (server: { url: string }) => ({
  createTicket: async (token: string, input: Partial<CreateTicketInput> = {}) =>
    (
      await ok(
        server,
        ops.createTicket,
        {
          input: { subject: 'Cannot export my contract', category: 'TECHNICAL', message: 'The export button does nothing.', ...input },
        },
        token,
      )
    ).createTicket,
  reply: async (token: string, ticketId: string, message = 'A reply') =>
    (await ok(server, ops.replyToTicket, { input: { ticketId, message } }, token)).replyToTicket,
  close: async (token: string, id: string) => (await ok(server, ops.closeTicket, { id }, token)).closeTicket,
  setStatus: async (token: string, id: string, status: TicketStatus) =>
    (await ok(server, ops.setTicketStatus, { id, status }, token)).setTicketStatus,
  markRead: async (token: string, id: string) => (await ok(server, ops.markTicketRead, { id }, token)).markTicketRead,
  ticket: async (token: string, id: string) => (await ok(server, ops.supportTicket, { id }, token)).supportTicket,
  myTickets: async (token: string, variables: VariablesOf<typeof ops.myTickets> = {}) =>
    (await ok(server, ops.myTickets, variables, token)).myTickets,
  supportTickets: async (token: string, variables: VariablesOf<typeof ops.supportTickets> = {}) =>
    (await ok(server, ops.supportTickets, variables, token)).supportTickets,
  stats: async (token: string) => (await ok(server, ops.supportStats, {}, token)).supportStats,
  unread: async (token: string) => (await ok(server, ops.unreadReplyCount, {}, token)).unreadReplyCount,
  raw: (query: string, variables: Record<string, unknown>, token?: string) => graphql(server, query, variables, token),
});

export type Desk = ReturnType<typeof api> & {
  server: TestServer;
  /** A customer of Acme. */
  customer: SignedIn;
  /** A customer of another company (Initech). */
  otherCustomer: SignedIn;
  admin: SignedIn;
};

/**
 * A server with customers of two companies and a superadmin signed in: what most tests of the desk
 * start from. `desk` holds the calls bound to the server; useDesk spreads them onto its fixture.
 */
export async function openDesk(options: TestServerOptions = {}) {
  const server = await startTestServer(options);
  return {
    server,
    desk: api(server),
    customer: await signedInUser(server, 'customer', 'Acme'),
    otherCustomer: await signedInUser(server, 'customer', 'Initech'),
    admin: await signedInUser(server, 'superadmin'),
  };
}

/**
 * The desk of a test file: opened before its tests and closed with its database after them, as
 * graphql-ws's test servers are. Its fields are filled in once the tests run, not while they are declared.
 */
export function useDesk(options: TestServerOptions = {}): Desk {
  const fixture = {} as Desk;
  beforeAll(async () => {
    const { desk, ...opened } = await openDesk(options);
    Object.assign(fixture, desk, opened);
  });
  afterAll(() => fixture.server?.close());
  return fixture;
}
