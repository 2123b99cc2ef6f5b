// Graceful shutdown: stop accepting, finish what is in flight, close sockets with 1001 Going Away
// (graphql-ws clients reconnect, to another instance), then let go of the pools.
import { ChildProcess, spawn } from 'node:child_process';
import { Client } from 'pg';
import { buildServer } from '../helpers/build';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { subscribe, wsClient } from '../helpers/graphql';
import { SignedIn, signIn, signedInUser } from '../helpers/accounts';
import { startTestServer, TestServer } from '../helpers/server';
import { topics } from '../../server/realtime/topics';
import { REPLY_ADDED, SUPPORT_BADGE, TestRedis, createTicket, eventually, reply, startTestRedis, watchStreams } from './live-helpers';

jest.setTimeout(30_000);

let server: TestServer;
let admin: SignedIn;
let customer: SignedIn;

beforeAll(async () => {
  server = await startTestServer({ redis: true });
  admin = await signedInUser(server, 'superadmin');
  customer = await signedInUser(server, 'customer');
});

afterAll(() => server?.close());

/** Holds the ticket's row lock from outside, so that a write to it stays in flight until released. */
async function holdTicket(databaseUrl: string, ticketId: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT id FROM support_tickets WHERE id = $1 FOR UPDATE', [ticketId]);
  const waiting = async () =>
    (await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))
      .rows[0].n as number;
  return {
    waiting,
    release: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

it('finishes the request in flight, closes sockets with 1001 and refuses new work', async () => {
  const streams = watchStreams(server);
  const ticket = await createTicket(server, customer.token);
  const client = wsClient(server, customer.token);
  const replies = subscribe(client, REPLY_ADDED, { ticketId: ticket.id });
  const badge = subscribe(client, SUPPORT_BADGE);
  await badge.waitFor(1);
  await streams.until(topics.ticket(ticket.id));

  const lock = await holdTicket(server.databaseUrl, ticket.id);
  const inFlight = reply(server, admin.token, ticket.id, 'Written while shutting down');
  await eventually(async () => (await lock.waiting()) > 0, 'the reply to wait for the row lock');

  const closing = server.app.close();
  expect(await replies.ended).toMatchObject({ code: 1001 });
  expect(await badge.ended).toMatchObject({ code: 1001 });

  // No longer accepting: a new connection is refused while the last request is still running.
  await eventually(() => !server.app.server.listening, 'the server to stop listening');
  await expect(fetch(server.url, { method: 'POST' })).rejects.toThrow();

  let closed = false;
  void closing.then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(closed).toBe(false); // still waiting for the reply

  await lock.release();
  const written = await inFlight;
  expect(written.message).toBe('Written while shutting down');
  await closing;
  const [{ count }] = await server.sql('SELECT count(*)::int AS count FROM support_replies WHERE id = $1', [written.id]);
  expect(count).toBe(1);
  await client.dispose();
});

describe('the process (dist/server/main.js) on SIGTERM', () => {
  let database: TestDatabase;
  // A Redis of its own: the process counts sign-ins there at the real rate limits.
  let redis: TestRedis;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    buildServer();
    database = await createTestDatabase();
    redis = await startTestRedis();
  }, 180_000); // compiling the server takes a minute or more on a busy 2-core machine
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await database?.drop();
    await redis?.stop();
  });

  it('finishes the request in flight, closes sockets with 1001, closes its pools and exits 0', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      PORT: '0',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
    };
    child = spawn(process.execPath, ['dist/server/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const port = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        const found = /serving http:\/\/localhost:(\d+)\//.exec(output)?.[1];
        if (found) resolve(found);
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`the server exited with ${code}: ${output}`)));
    });
    const target = { url: `http://localhost:${port}/graphql`, wsUrl: `ws://localhost:${port}/graphql` };
    const [, adminEmail, adminPassword] = /Demo superadmin: email (\S+)\s+password (\S+)/.exec(output)!;
    const [, customerEmail, customerPassword] = /Demo customer: email (\S+)\s+password (\S+)/.exec(output)!;
    const adminToken = await signIn(target, adminEmail, adminPassword);
    const customerToken = await signIn(target, customerEmail, customerPassword);

    const ticket = await createTicket(target, customerToken);
    const client = wsClient(target, customerToken);
    const badge = subscribe(client, SUPPORT_BADGE);
    await badge.waitFor(1);

    const lock = await holdTicket(database.url, ticket.id);
    const inFlight = reply(target, adminToken, ticket.id, 'Written during SIGTERM');
    await eventually(async () => (await lock.waiting()) > 0, 'the reply to wait for the row lock');

    child.kill('SIGTERM');
    expect(await badge.ended).toMatchObject({ code: 1001 });
    await lock.release();
    expect((await inFlight).message).toBe('Written during SIGTERM');
    const code = await exited;
    if (code !== 0) console.log(output.slice(-3000));
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM: shutting down');
    await client.dispose();
  });
});
