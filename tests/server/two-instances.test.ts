// Two server instances on one database and one Redis behave as one desk: what is written through A
// reaches the subscribers connected to B.
import { Client as WsClient } from 'graphql-ws';
import { ok, settle, subscribe, wsClient } from '../helpers/graphql';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { startTestServer, TestServer } from '../helpers/server';
import { topics } from '../../server/realtime/topics';
import {
  REPLY_ADDED,
  SUPPORT_BADGE,
  TICKET_UPDATED,
  TestRedis,
  createTicket,
  markRead,
  reply,
  startTestRedis,
  watchStreams,
} from './live-helpers';

jest.setTimeout(20_000);

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
let streamsOnB: ReturnType<typeof watchStreams>;
let admin: SignedIn;
let customer: SignedIn;
let clients: WsClient[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  a = await startTestServer({ redis: redis.url });
  b = await startTestServer({ redis: redis.url, databaseUrl: a.databaseUrl });
  streamsOnB = watchStreams(b);
  // Signed in through A; sessions live in the shared database, so B knows them too.
  admin = await signedInUser(a, 'superadmin');
  customer = await signedInUser(a, 'customer');
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  clients = [];
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await redis?.stop();
});

function connectToB(token: string) {
  const client = wsClient(b, token);
  clients.push(client);
  return client;
}

it('a reply written through A reaches all three subscriptions on B, for the customer and the superadmin', async () => {
  const ticket = await createTicket(a, customer.token);
  const customerOnB = connectToB(customer.token);
  const adminOnB = connectToB(admin.token);
  const replies = subscribe(customerOnB, REPLY_ADDED, { ticketId: ticket.id });
  const ticketUpdates = subscribe(customerOnB, TICKET_UPDATED, { ticketId: ticket.id });
  const customerBadge = subscribe(customerOnB, SUPPORT_BADGE);
  const adminReplies = subscribe(adminOnB, REPLY_ADDED, { ticketId: ticket.id });
  const allTickets = subscribe(adminOnB, TICKET_UPDATED, {});
  const adminBadge = subscribe(adminOnB, SUPPORT_BADGE);
  await customerBadge.waitFor(1);
  await adminBadge.waitFor(1);
  await streamsOnB.until(topics.ticket(ticket.id), 2);
  await streamsOnB.until(topics.ticketForTeam(ticket.id), 1);
  await streamsOnB.until(topics.admins, 1);
  const openBefore = adminBadge.events[0].data?.supportBadge as number;
  expect(customerBadge.events[0].data?.supportBadge).toBe(0);

  const written = await reply(a, admin.token, ticket.id, 'Written through A');

  await Promise.all([replies.waitFor(1), adminReplies.waitFor(1), ticketUpdates.waitFor(1), allTickets.waitFor(1)]);
  await Promise.all([customerBadge.waitFor(2), adminBadge.waitFor(2)]);
  expect(replies.events[0].data?.replyAdded).toEqual(written);
  expect(adminReplies.events[0].data?.replyAdded).toEqual(written);
  expect(ticketUpdates.events[0].data?.ticketUpdated).toMatchObject({ id: ticket.id, status: 'ANSWERED', unreadCount: 1 });
  expect(allTickets.events[0].data?.ticketUpdated).toMatchObject({ id: ticket.id, status: 'ANSWERED', unreadCount: 0 });
  expect(customerBadge.events[1].data?.supportBadge).toBe(1);
  expect(adminBadge.events[1].data?.supportBadge).toBe(openBefore - 1);

  // And the other way round: read on A, the badge on B follows.
  await markRead(a, customer.token, ticket.id);
  await customerBadge.waitFor(3);
  await settle();
  expect(customerBadge.events.map((event) => event.data?.supportBadge)).toEqual([0, 1, 0]);
  expect(adminBadge.events).toHaveLength(2);
});

it('a new ticket created through A reaches the superadmin on B', async () => {
  const before = streamsOnB.count(topics.admins);
  const adminOnB = connectToB(admin.token);
  const allTickets = subscribe(adminOnB, TICKET_UPDATED, {});
  const adminBadge = subscribe(adminOnB, SUPPORT_BADGE);
  await adminBadge.waitFor(1);
  await streamsOnB.until(topics.admins, before + 1);

  const ticket = await createTicket(a, customer.token, 'Created on A');
  await allTickets.waitFor(1);
  await adminBadge.waitFor(2);
  expect(allTickets.events[0].data?.ticketUpdated).toMatchObject({ id: ticket.id, status: 'OPEN' });
  expect(adminBadge.events[1].data?.supportBadge).toBe((adminBadge.events[0].data?.supportBadge as number) + 1);
});

it('logging out through A closes the sockets of that session on B', async () => {
  const leaving = await signedInUser(a, 'customer');
  const badge = subscribe(connectToB(leaving.token), SUPPORT_BADGE);
  await badge.waitFor(1);
  await ok(a, 'mutation { logout }', {}, leaving.token);
  expect(await badge.ended).toMatchObject({ code: 4403 });
});
