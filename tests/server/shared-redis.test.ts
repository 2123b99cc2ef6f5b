// Two deployments, each with its own database, sharing one Redis: REDIS_PREFIX (by default the
// database's name) keeps their events and their rate-limit counters apart.
import { Client as WsClient } from 'graphql-ws';
import Redis from 'ioredis';
import { createUser, signedInUser } from '../helpers/accounts';
import { graphql, settle, subscribe, wsClient } from '../helpers/graphql';
import { startTestServer, TestServer } from '../helpers/server';
import { defaultRedisPrefix } from '../../server/config';
import { topics } from '../../server/realtime/topics';
import { SUPPORT_BADGE, TICKET_UPDATED, TestRedis, createTicket, startTestRedis, watchStreams } from './live-helpers';

jest.setTimeout(30_000);

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
let redisClient: Redis;
let clients: WsClient[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  // Real limits: the counters are what must not be shared.
  a = await startTestServer({ redis: redis.url, env: { RATE_LIMIT_SCALE: '1' } });
  b = await startTestServer({ redis: redis.url, env: { RATE_LIMIT_SCALE: '1' } });
  redisClient = new Redis(redis.url);
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  clients = [];
});

afterAll(async () => {
  redisClient?.disconnect();
  await b?.close();
  await a?.close();
  await redis?.stop();
});

const prefixOf = (server: TestServer) => defaultRedisPrefix(server.databaseUrl);

function connect(server: TestServer, token: string) {
  const client = wsClient(server, token);
  clients.push(client);
  return client;
}

it("a deployment never hears the other's events", async () => {
  const streamsOnA = watchStreams(a);
  const streamsOnB = watchStreams(b);
  const adminA = await signedInUser(a, 'superadmin');
  const adminB = await signedInUser(b, 'superadmin');
  const customerA = await signedInUser(a, 'customer');
  const onA = [subscribe(connect(a, adminA.token), TICKET_UPDATED, {}), subscribe(connect(a, adminA.token), SUPPORT_BADGE)];
  const onB = [subscribe(connect(b, adminB.token), TICKET_UPDATED, {}), subscribe(connect(b, adminB.token), SUPPORT_BADGE)];
  await Promise.all([onA[1].waitFor(1), onB[1].waitFor(1)]);
  await Promise.all([streamsOnA.until(topics.admins), streamsOnB.until(topics.admins)]);
  const channels = (await redisClient.pubsub('CHANNELS', '*')) as string[];
  expect(channels).toEqual(expect.arrayContaining([`${prefixOf(a)}:admins`, `${prefixOf(b)}:admins`]));
  expect(channels.filter((channel) => ![a, b].some((server) => channel.startsWith(`${prefixOf(server)}:`)))).toEqual([]);

  await createTicket(a, customerA.token, 'Only for deployment A');
  await Promise.all([onA[0].waitFor(1), onA[1].waitFor(2)]);
  await settle();
  expect(onB[0].events).toEqual([]);
  expect(onB[1].events).toEqual([{ data: { supportBadge: 0 } }]);
});

it('locking an account out on one deployment leaves the same email on the other alone, and every key is prefixed', async () => {
  const email = 'same.person@example.com';
  const password = 'the right password';
  for (const server of [a, b]) await createUser(server, { email, name: 'Same Person', password, role: 'superadmin' });
  const login = (server: TestServer, secret: string) =>
    graphql(
      server,
      `
        mutation ($e: String!, $p: String!) {
          login(email: $e, password: $p) {
            token
          }
        }
      `,
      { e: email, p: secret },
    );

  for (let attempt = 0; attempt < 6; attempt++) await login(a, 'wrong password');
  expect((await login(a, password)).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  expect((await login(b, password)).data?.login.token).toEqual(expect.any(String));

  const keys = await redisClient.keys('*');
  expect(keys.length).toBeGreaterThan(0);
  expect(keys.filter((key) => ![a, b].some((server) => key.startsWith(`${prefixOf(server)}:`)))).toEqual([]);
});
