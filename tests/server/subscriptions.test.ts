// The three subscriptions of the contract, per role, through real Redis and real graphql-ws clients.
import { Client as WsClient } from 'graphql-ws';
import { graphql, ok, settle, subscribe, wsClient } from '../helpers/graphql';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { startTestServer, TestServer } from '../helpers/server';
import { topics } from '../../server/realtime/topics';
import {
  REPLY_ADDED,
  SUPPORT_BADGE,
  TICKET_UPDATED,
  TestRedis,
  closeTicket,
  createTicket,
  markRead,
  reply,
  setStatus,
  startTestRedis,
  watchStreams,
} from './live-helpers';

jest.setTimeout(20_000);

let redis: TestRedis;
let server: TestServer;
let streams: ReturnType<typeof watchStreams>;
let admin: SignedIn;
let clients: WsClient[] = [];

beforeAll(async () => {
  // A Redis of this file's own: the Lex team's channel is not shared with other test files.
  redis = await startTestRedis();
  server = await startTestServer({ redis: redis.url });
  streams = watchStreams(server);
  admin = await signedInUser(server, 'superadmin');
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  clients = [];
});

afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

function connect(token: string): WsClient {
  const client = wsClient(server, token);
  clients.push(client);
  return client;
}

/** Subscribes and waits until the server listens on `topic`, so that nothing written later is missed. */
async function live<T = any>(token: string, query: string, variables: Record<string, unknown>, topic: string) {
  const before = streams.count(topic);
  const subscription = subscribe<T>(connect(token), query, variables);
  await streams.until(topic, before + 1);
  return subscription;
}

describe('replyAdded', () => {
  it("delivers every reply, in order, to the ticket's owner and to a superadmin, dates intact", async () => {
    const customer = await signedInUser(server, 'customer');
    const ticket = await createTicket(server, customer.token);
    const forCustomer = await live(customer.token, REPLY_ADDED, { ticketId: ticket.id }, topics.ticket(ticket.id));
    const forAdmin = await live(admin.token, REPLY_ADDED, { ticketId: ticket.id }, topics.ticketForTeam(ticket.id));

    const written = [
      await reply(server, admin.token, ticket.id, 'Which browser do you use?'),
      await reply(server, customer.token, ticket.id, 'Firefox 140'),
      await reply(server, admin.token, ticket.id, 'Fixed, please try again'),
      await reply(server, admin.token, ticket.id, 'And sorry for the trouble'),
    ];

    await forCustomer.waitFor(4);
    await forAdmin.waitFor(4);
    await settle(100);
    for (const subscription of [forCustomer, forAdmin]) {
      expect(subscription.events.map((event) => event.errors)).toEqual([undefined, undefined, undefined, undefined]);
      // Exactly what the mutations returned, createdAt included (it crossed Redis as JSON).
      expect(subscription.events.map((event) => event.data?.replyAdded)).toEqual(written);
    }
    expect(written.map((r) => r.isAdmin)).toEqual([true, false, true, true]);
  });

  it('delivers concurrent replies in the order they were committed', async () => {
    const customer = await signedInUser(server, 'customer');
    const ticket = await createTicket(server, customer.token);
    const subscription = await live(customer.token, REPLY_ADDED, { ticketId: ticket.id }, topics.ticket(ticket.id));

    // The ticket's row lock puts these one after another; each publishes while the next commits.
    await Promise.all(Array.from({ length: 12 }, (_, i) => reply(server, i % 3 ? admin.token : customer.token, ticket.id, `#${i}`)));
    await subscription.waitFor(12);
    const stored = await ok(server, `query ($id: ID!) { supportTicket(id: $id) { replies { id } } }`, { id: ticket.id }, customer.token);
    const committed = stored.supportTicket.replies.map((r: { id: string }) => r.id).slice(1); // after the first message
    expect(subscription.events.map((event) => event.data?.replyAdded.id)).toEqual(committed);
  });

  it('stays quiet about other tickets', async () => {
    const customer = await signedInUser(server, 'customer');
    const mine = await createTicket(server, customer.token);
    const other = await createTicket(server, customer.token, 'Another question');
    const subscription = await live(customer.token, REPLY_ADDED, { ticketId: mine.id }, topics.ticket(mine.id));

    await reply(server, admin.token, other.id, 'About the other ticket');
    await reply(server, admin.token, mine.id, 'About this one');
    await subscription.waitFor(1);
    await settle();
    expect(subscription.events.map((event) => event.data?.replyAdded.message)).toEqual(['About this one']);
  });
});

describe('ticketUpdated', () => {
  it('with a ticketId: every change of that ticket, in order, as each viewer sees it', async () => {
    const customer = await signedInUser(server, 'customer');
    const ticket = await createTicket(server, customer.token);
    const forCustomer = await live(customer.token, TICKET_UPDATED, { ticketId: ticket.id }, topics.ticket(ticket.id));
    const forAdmin = await live(admin.token, TICKET_UPDATED, { ticketId: ticket.id }, topics.ticketForTeam(ticket.id));

    await reply(server, admin.token, ticket.id, 'Looking into it'); // → ANSWERED, one unread for the customer
    await setStatus(server, admin.token, ticket.id, 'IN_PROGRESS');
    await reply(server, customer.token, ticket.id, 'Thanks'); // stays IN_PROGRESS, read by the customer
    await closeTicket(server, customer.token, ticket.id);
    await closeTicket(server, customer.token, ticket.id); // closing a closed ticket changes nothing

    await forCustomer.waitFor(4);
    await forAdmin.waitFor(4);
    await settle();
    const seen = (subscription: typeof forCustomer) => subscription.events.map((event) => event.data?.ticketUpdated);
    expect(seen(forCustomer).map((t) => t.status)).toEqual(['ANSWERED', 'IN_PROGRESS', 'IN_PROGRESS', 'CLOSED']);
    expect(seen(forAdmin).map((t) => t.status)).toEqual(['ANSWERED', 'IN_PROGRESS', 'IN_PROGRESS', 'CLOSED']);
    // unreadCount is resolved for the subscriber: the customer's side, the Lex team's side.
    expect(seen(forCustomer).map((t) => t.unreadCount)).toEqual([1, 1, 0, 0]);
    expect(seen(forAdmin).map((t) => t.unreadCount)).toEqual([0, 0, 1, 1]);
    const updatedAt = seen(forAdmin).map((t) => Date.parse(t.updatedAt));
    expect([...updatedAt].sort((a, b) => a - b)).toEqual(updatedAt);
    expect(seen(forAdmin)[3].closedAt).toEqual(expect.any(String));
    expect(seen(forAdmin)[0]).toMatchObject({ id: ticket.id, userName: customer.name, tenant: { name: 'Acme' } });
  });

  it("without a ticketId: a customer hears about all of their own tickets and nobody else's", async () => {
    const customer = await signedInUser(server, 'customer');
    const colleague = await signedInUser(server, 'customer'); // same tenant
    const theirs = await createTicket(server, colleague.token);
    const subscription = await live(customer.token, TICKET_UPDATED, {}, topics.user(customer.id));

    const first = await createTicket(server, customer.token, 'First');
    await reply(server, admin.token, theirs.id, 'For the colleague');
    await setStatus(server, admin.token, theirs.id, 'IN_PROGRESS');
    const second = await createTicket(server, customer.token, 'Second');
    await reply(server, admin.token, first.id, 'For the customer');

    await subscription.waitFor(3);
    await settle();
    expect(subscription.events.map((event) => [event.data?.ticketUpdated.id, event.data?.ticketUpdated.status])).toEqual([
      [first.id, 'OPEN'],
      [second.id, 'OPEN'],
      [first.id, 'ANSWERED'],
    ]);
  });

  it('without a ticketId: a superadmin hears about every ticket of every tenant', async () => {
    const acme = await signedInUser(server, 'customer', 'Acme');
    const globex = await signedInUser(server, 'customer', 'Globex');
    const subscription = await live(admin.token, TICKET_UPDATED, {}, topics.admins);

    const a = await createTicket(server, acme.token, 'From Acme');
    const g = await createTicket(server, globex.token, 'From Globex');
    await reply(server, admin.token, g.id, 'Hello Globex');
    await closeTicket(server, acme.token, a.id);

    await subscription.waitFor(4);
    await settle();
    expect(
      subscription.events.map((event) => [
        event.data?.ticketUpdated.id,
        event.data?.ticketUpdated.status,
        event.data?.ticketUpdated.tenant.name,
      ]),
    ).toEqual([
      [a.id, 'OPEN', 'Acme'],
      [g.id, 'OPEN', 'Globex'],
      [g.id, 'ANSWERED', 'Globex'],
      [a.id, 'CLOSED', 'Acme'],
    ]);
  });
});

describe('supportBadge', () => {
  const unread = async (customer: SignedIn) => (await ok(server, '{ unreadReplyCount }', {}, customer.token)).unreadReplyCount;
  const openTickets = async () => (await ok(server, '{ supportStats { open } }', {}, admin.token)).supportStats.open;
  const counts = (subscription: { events: { data?: { supportBadge: number } | null }[] }) =>
    subscription.events.map((event) => event.data?.supportBadge);

  it("a customer's badge: the unread Lex-team replies now, then on each superadmin reply and markTicketRead", async () => {
    const customer = await signedInUser(server, 'customer');
    const ticket = await createTicket(server, customer.token);
    const other = await createTicket(server, customer.token, 'Other');
    await reply(server, admin.token, other.id, 'Unread before subscribing');

    const badge = subscribe(connect(customer.token), SUPPORT_BADGE);
    await badge.waitFor(1);
    expect(counts(badge)).toEqual([1]);

    await reply(server, admin.token, ticket.id, 'One');
    await badge.waitFor(2);
    await reply(server, admin.token, ticket.id, 'Two');
    await badge.waitFor(3);
    await reply(server, customer.token, other.id, 'Reading and answering the other ticket');
    await badge.waitFor(4);
    await setStatus(server, admin.token, ticket.id, 'IN_PROGRESS'); // no change to the badge
    await markRead(server, customer.token, ticket.id);
    await badge.waitFor(5);
    await markRead(server, customer.token, ticket.id); // nothing left to read: no event
    await settle();

    expect(counts(badge)).toEqual([1, 2, 3, 2, 0]);
    expect(await unread(customer)).toBe(0);
  });

  it("a customer's badge ignores replies to other customers' tickets", async () => {
    const customer = await signedInUser(server, 'customer');
    const colleague = await signedInUser(server, 'customer');
    const theirs = await createTicket(server, colleague.token);
    const badge = subscribe(connect(customer.token), SUPPORT_BADGE);
    await badge.waitFor(1);

    await reply(server, admin.token, theirs.id, 'Not for you');
    await settle();
    expect(counts(badge)).toEqual([0]);
  });

  it("a superadmin's badge: the open tickets now, then on each create, reply and status change", async () => {
    const customer = await signedInUser(server, 'customer');
    const badge = subscribe(connect(admin.token), SUPPORT_BADGE);
    await badge.waitFor(1);
    const start = await openTickets();
    expect(counts(badge)).toEqual([start]);

    const ticket = await createTicket(server, customer.token); // open
    await badge.waitFor(2);
    await reply(server, admin.token, ticket.id, 'Answer'); // answered
    await badge.waitFor(3);
    await reply(server, customer.token, ticket.id, 'Follow-up'); // open again
    await badge.waitFor(4);
    await setStatus(server, admin.token, ticket.id, 'IN_PROGRESS');
    await badge.waitFor(5);
    await closeTicket(server, admin.token, ticket.id); // in progress → closed: still not open, no event
    await setStatus(server, admin.token, ticket.id, 'OPEN'); // reopened
    await badge.waitFor(6);
    await settle();

    expect(counts(badge)).toEqual([start, start + 1, start, start + 1, start, start + 1]);
    expect(await openTickets()).toBe(start + 1);
  });
});

describe('a rolled-back write', () => {
  // A real failure at COMMIT, after every statement of the write ran: a deferred constraint trigger
  // (in this file's own database) refuses replies that say 'roll me back'.
  beforeAll(async () => {
    await server.sql(`
      CREATE FUNCTION refuse_marked_reply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.message = 'roll me back' THEN RAISE EXCEPTION 'refused at commit'; END IF;
        RETURN NULL;
      END $$`);
    await server.sql(`
      CREATE CONSTRAINT TRIGGER refuse_marked_reply AFTER INSERT ON support_replies
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_marked_reply()`);
  });

  const failingWrite = (token: string, query: string, input: Record<string, unknown>) =>
    graphql(server, query, { input }, token).then((result) => {
      expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    });

  it('publishes nothing, for a reply or a new ticket, to any subscription', async () => {
    const customer = await signedInUser(server, 'customer');
    const ticket = await createTicket(server, customer.token);
    const replies = await live(customer.token, REPLY_ADDED, { ticketId: ticket.id }, topics.ticket(ticket.id));
    const ticketUpdates = await live(admin.token, TICKET_UPDATED, { ticketId: ticket.id }, topics.ticketForTeam(ticket.id));
    const adminTickets = await live(admin.token, TICKET_UPDATED, {}, topics.admins);
    const customerTickets = await live(customer.token, TICKET_UPDATED, {}, topics.user(customer.id));
    const adminBadge = subscribe(connect(admin.token), SUPPORT_BADGE);
    const customerBadge = subscribe(connect(customer.token), SUPPORT_BADGE);
    await adminBadge.waitFor(1);
    await customerBadge.waitFor(1);

    // A superadmin reply would add a reply, answer the ticket and move both badges.
    await failingWrite(admin.token, `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { id } }`, {
      ticketId: ticket.id,
      message: 'roll me back',
    });
    // A new ticket: the ticket row is written, then its first message is refused at commit.
    await failingWrite(customer.token, `mutation ($input: CreateTicketInput!) { createTicket(input: $input) { id } }`, {
      subject: 'Rolled back',
      category: 'OTHER',
      message: 'roll me back',
    });

    const stored = await ok(
      server,
      `query ($id: ID!) { supportTicket(id: $id) { status replies { id } } }`,
      { id: ticket.id },
      customer.token,
    );
    expect(stored.supportTicket).toMatchObject({ status: 'OPEN', replies: [expect.anything()] });
    const [{ count }] = await server.sql(`SELECT count(*)::int AS count FROM support_tickets WHERE subject = 'Rolled back'`);
    expect(count).toBe(0);

    await settle();
    for (const subscription of [replies, ticketUpdates, adminTickets, customerTickets]) expect(subscription.events).toEqual([]);
    expect(adminBadge.events).toHaveLength(1);
    expect(customerBadge.events).toHaveLength(1);

    // The same subscribers do hear the next write that commits.
    const written = await reply(server, admin.token, ticket.id, 'This one commits');
    await Promise.all([replies.waitFor(1), ticketUpdates.waitFor(1), adminTickets.waitFor(1), customerTickets.waitFor(1)]);
    await Promise.all([adminBadge.waitFor(2), customerBadge.waitFor(2)]);
    expect(replies.events[0].data?.replyAdded.id).toBe(written.id);
  });
});
