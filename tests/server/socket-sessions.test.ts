// Ended sessions end their open sockets, without Redis: announced through PostgreSQL by the `users`
// command and by sign-out, checked again before each operation, and swept for idle ones.
import { spawnSync } from 'node:child_process';
import { Client as WsClient } from 'graphql-ws';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { buildServer } from '../helpers/build';
import { settle, subscribe, wsClient } from '../helpers/graphql';
import { openRawSocket } from '../helpers/raw-socket';
import { startTestServer, TestServer } from '../helpers/server';
import { SESSION_CHECK_CACHE_MS, SESSION_SWEEP_MS } from '../../server/realtime/websocket';
import { SUPPORT_BADGE, TICKET_UPDATED, createTicket, eventually } from './live-helpers';

jest.setTimeout(30_000);

let server: TestServer;
let customer: SignedIn;
let clients: WsClient[] = [];

beforeAll(async () => {
  buildServer();
  server = await startTestServer(); // no Redis
  customer = await signedInUser(server, 'customer');
}, 120_000); // the build of the `users` command, on a busy machine

afterEach(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  clients = [];
});

afterAll(() => server?.close());

/** `npm run users -- …` as an operator runs it, here without REDIS_URL. */
function users(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: server.databaseUrl };
  delete env.REDIS_URL;
  const result = spawnSync(process.execPath, ['dist/server/accounts/users.command.js', ...args], { env, encoding: 'utf8' });
  return { code: result.status, err: result.stderr };
}

function connect(token: string) {
  const client = wsClient(server, token);
  clients.push(client);
  return client;
}

const REPLY = `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { id } }`;

it("set-password closes the user's open sockets", async () => {
  const user = await signedInUser(server, 'customer');
  const badge = subscribe(connect(user.token), SUPPORT_BADGE);
  await badge.waitFor(1);
  expect(users('set-password', '--email', user.email, '--password', 'a brand new one')).toMatchObject({ code: 0 });
  expect(await badge.ended).toMatchObject({ code: 4403 });
});

it("a removed superadmin's open socket can no longer list tickets, hear events or reply", async () => {
  const root = await signedInUser(server, 'superadmin');
  const ticket = await createTicket(server, customer.token);
  const client = connect(root.token);
  const everything = subscribe(client, TICKET_UPDATED, {});
  const badge = subscribe(client, SUPPORT_BADGE);
  await badge.waitFor(1);

  expect(users('remove', '--email', root.email)).toMatchObject({ code: 0 });
  expect(await badge.ended).toMatchObject({ code: 4403 });
  expect(await everything.ended).toMatchObject({ code: 4403 });

  // The same client tries again with the same token: refused at connection_init.
  const list = subscribe(client, '{ supportTickets { totalCount } }');
  const replied = subscribe(client, REPLY, { input: { ticketId: ticket.id, message: 'Posted as the Lex team' } });
  expect(await list.ended).toMatchObject({ code: 4403 });
  expect(await replied.ended).toMatchObject({ code: 4403 });
  await createTicket(server, customer.token, 'After the removal');
  await settle();
  expect([...everything.events, ...list.events, ...replied.events]).toEqual([]);
  expect(await server.sql('SELECT count(*)::int AS n FROM support_replies WHERE ticket_id = $1', [ticket.id])).toEqual([{ n: 1 }]);
});

it('an ended session is refused at the next operation of its socket, even when nobody announced it', async () => {
  const user = await signedInUser(server, 'superadmin');
  const raw = openRawSocket(server, { send: [{ type: 'connection_init', payload: { authorization: `Bearer ${user.token}` } }] });
  await eventually(() => raw.outcome.messages.length > 0, 'connection_ack');
  // Deleted behind the server's back: no NOTIFY, so only the check before the operation can tell.
  await server.sql('DELETE FROM sessions WHERE user_id = $1', [user.id]);
  await new Promise((resolve) => setTimeout(resolve, SESSION_CHECK_CACHE_MS + 200));
  raw.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ supportTickets { totalCount } }' } }));

  const outcome = await raw.done;
  expect(outcome.closed?.code).toBe(4403);
  expect(outcome.messages.filter((message) => message.type === 'next')).toEqual([]);
});

it('a socket whose session went unused for 24 hours is closed, though it only listens', async () => {
  const user = await signedInUser(server, 'customer');
  const badge = subscribe(connect(user.token), SUPPORT_BADGE);
  await badge.waitFor(1);
  await server.sql(`UPDATE sessions SET last_seen_at = now() - interval '25 hours' WHERE user_id = $1`, [user.id]);
  const started = Date.now();
  expect(await badge.ended).toMatchObject({ code: 4403 });
  expect(Date.now() - started).toBeLessThanOrEqual(SESSION_SWEEP_MS + 1000);
});
