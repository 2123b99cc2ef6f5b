// Presence across two instances sharing Redis (docs/architecture.md §8): a report through A reaches a
// watcher on B, and B notices the expiries by itself, with no further report anywhere.
import { Client as WsClient } from 'graphql-ws';
import Redis from 'ioredis';
import { TYPING_MS, VIEWING_MS } from '../../server/presence/ticket-activity';
import { topics } from '../../server/realtime/topics';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { ok, subscribe, wsClient } from '../helpers/graphql';
import { activityOps, type TicketActivity } from '../helpers/operations';
import { startTestServer, TestServer } from '../helpers/server';
import { TestRedis, createTicket, startTestRedis, watchStreams } from './live-helpers';

jest.setTimeout(VIEWING_MS + 20_000);

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
let admin: SignedIn;
let customer: SignedIn;
let client: WsClient | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  a = await startTestServer({ redis: redis.url });
  b = await startTestServer({ redis: redis.url, databaseUrl: a.databaseUrl });
  admin = await signedInUser(a, 'superadmin');
  customer = await signedInUser(a, 'customer');
});

afterAll(async () => {
  await client?.dispose();
  await b?.close();
  await a?.close();
  await redis?.stop();
});

it('a typist reported through A shows on B, stops typing after ~6 s and leaves after ~30 s', async () => {
  const ticket = await createTicket(a, customer.token);
  const streams = watchStreams(b);
  client = wsClient(b, admin.token);
  const onB = subscribe(client, activityOps.watch, { ticketId: ticket.id });
  await streams.until(topics.ticketActivity(ticket.id), 1);
  await onB.waitFor(1);

  const reportedAt = Date.now();
  await ok(a, activityOps.report, { ticketId: ticket.id, typing: true }, customer.token);
  await onB.waitFor(2);
  const at = (i: number) => onB.events[i].data!.ticketActivity as TicketActivity;
  expect(at(1).typing.map((p) => p.id)).toEqual([customer.id]);

  await onB.waitFor(3, TYPING_MS + 2000);
  const typingEnded = Date.now() - reportedAt;
  expect(at(2)).toMatchObject({ typing: [], viewers: [{ id: customer.id }] });
  await onB.waitFor(4, VIEWING_MS + 2000);
  const left = Date.now() - reportedAt;
  expect(at(3)).toEqual({ ticketId: ticket.id, viewers: [], typing: [] });
  // Late by at most a second: the watcher's own timer, not a sweep, noticed each expiry.
  expect(typingEnded).toBeGreaterThanOrEqual(TYPING_MS - 50);
  expect(typingEnded).toBeLessThan(TYPING_MS + 1000);
  expect(left).toBeGreaterThanOrEqual(VIEWING_MS - 50);
  expect(left).toBeLessThan(VIEWING_MS + 1000);
  const keys = new Redis(redis.url);
  expect(await keys.exists(`activity:${ticket.id}`)).toBe(0);
  keys.disconnect();
});
