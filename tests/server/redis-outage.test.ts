// Redis trouble must not stop the desk: while it is down, queries and mutations work without
// hanging, even under steady traffic; when it is back, the subscriptions already open receive events again, without a restart.
import { Client as WsClient } from 'graphql-ws';
import { ok, subscribe, wsClient } from '../helpers/graphql';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { startTestServer, TestServer } from '../helpers/server';
import { topics } from '../../server/realtime/topics';
import { REPLY_ADDED, SUPPORT_BADGE, TestRedis, createTicket, eventually, reply, startTestRedis, watchStreams } from './live-helpers';

jest.setTimeout(30_000);

let redis: TestRedis;
let server: TestServer;
let admin: SignedIn;
let customer: SignedIn;
let client: WsClient | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  server = await startTestServer({ redis: redis.url });
  admin = await signedInUser(server, 'superadmin');
  customer = await signedInUser(server, 'customer');
});

afterAll(async () => {
  await client?.dispose();
  await server?.close();
  await redis?.stop();
});

/** Runs `work` and returns how long it took. */
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

it('keeps writing while Redis is down and resumes events when it is back', async () => {
  const streams = watchStreams(server);
  const ticket = await createTicket(server, customer.token);
  client = wsClient(server, customer.token);
  const replies = subscribe(client, REPLY_ADDED, { ticketId: ticket.id });
  const badge = subscribe(client, SUPPORT_BADGE);
  await badge.waitFor(1);
  await streams.until(topics.ticket(ticket.id));
  await reply(server, admin.token, ticket.id, 'Before the outage');
  await replies.waitFor(1);
  await badge.waitFor(2);
  const leaving = await signedInUser(server, 'customer');
  const leavingClient = wsClient(server, leaving.token);
  const leavingBadge = subscribe(leavingClient, SUPPORT_BADGE);
  await leavingBadge.waitFor(1);

  // Traffic from another customer and the Lex team, on their own ticket, all through the outage.
  const busy = await signedInUser(server, 'customer');
  const busyTicket = await createTicket(server, busy.token);
  const traffic = { running: true, acknowledged: [] as string[], failures: [] as unknown[], slowest: 0 };
  const writers = [busy, admin].map(async (author) => {
    for (let i = 0; traffic.running; i++) {
      try {
        const [written, ms] = await timed(() => reply(server, author.token, busyTicket.id, `Traffic ${i}`));
        traffic.acknowledged.push(written.id);
        traffic.slowest = Math.max(traffic.slowest, ms);
      } catch (error) {
        traffic.failures.push(error);
      }
    }
  });

  await redis.stop();

  // Every write commits and answers promptly; the events it causes are lost (at-most-once).
  const during: string[] = [];
  for (let i = 0; i < 5; i++) {
    const [written, ms] = await timed(() => reply(server, admin.token, ticket.id, `During the outage ${i}`));
    expect(ms).toBeLessThan(1000);
    during.push(written.id);
  }
  const [created, createMs] = await timed(() => createTicket(server, customer.token, 'Opened during the outage'));
  expect(createMs).toBeLessThan(1000);
  const [read, readMs] = await timed(() =>
    ok(server, `query ($id: ID!) { supportTicket(id: $id) { replies { id } } unreadReplyCount }`, { id: ticket.id }, customer.token),
  );
  expect(readMs).toBeLessThan(1000);
  expect(read.supportTicket.replies.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(during));
  expect(read.unreadReplyCount).toBe(6);
  expect(created.status).toBe('OPEN');
  // The open sockets stay open: the client would only notice missing events, and refetch on reconnect.
  expect(replies.events.length).toBe(1);
  // Signing out still closes that session's sockets on this instance.
  await ok(server, 'mutation { logout }', {}, leaving.token);
  expect(await leavingBadge.ended).toMatchObject({ code: 4403 });
  await leavingClient.dispose();

  await redis.start();
  const restarted = Date.now();

  // The app server was not restarted: its Redis clients reconnect and re-subscribe on their own.
  // Replies are written until one comes through (those before the reconnection are lost).
  let n = 0;
  await eventually(
    async () => {
      if (replies.events.length > 1) return true;
      await reply(server, admin.token, ticket.id, `After the outage ${n++}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return replies.events.length > 1;
    },
    'an event after Redis came back',
    15_000,
  );
  traffic.running = false;
  await Promise.all(writers);
  expect(traffic.failures).toEqual([]);
  expect(traffic.slowest).toBeLessThan(1000);
  const stored = await server.sql<{ id: string }>('SELECT id FROM support_replies WHERE ticket_id = $1', [busyTicket.id]);
  expect(traffic.acknowledged.length).toBeGreaterThan(10);
  expect(traffic.acknowledged.filter((id) => !stored.some((row) => row.id === id))).toEqual([]);
  process.stdout.write(`[faults] Redis back: events flowing again ${Date.now() - restarted} ms after it was up\n`);
  // Once flowing, every write arrives: the next one too, in order, and the badge follows.
  const last = await reply(server, admin.token, ticket.id, 'Back to normal');
  await eventually(() => replies.events.some((event) => event.data?.replyAdded.id === last.id), 'the last reply');
  expect(replies.events.at(-1)?.data?.replyAdded.id).toBe(last.id);
  const unread = (await ok(server, '{ unreadReplyCount }', {}, customer.token)).unreadReplyCount;
  await eventually(() => badge.events.at(-1)?.data?.supportBadge === unread, `the badge to show ${unread}`);

  // New subscriptions work as well.
  const fresh = subscribe(client, REPLY_ADDED, { ticketId: created.id });
  await streams.until(topics.ticket(created.id));
  const answer = await reply(server, admin.token, created.id, 'Answer to the ticket opened during the outage');
  await fresh.waitFor(1);
  expect(fresh.events[0].data?.replyAdded.id).toBe(answer.id);
});
