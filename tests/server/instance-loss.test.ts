import { Pool } from 'pg';
import { UsersService } from '../../server/accounts/users.service';
import { openDatabases } from '../../server/db/data-source';
import { signIn } from '../helpers/accounts';
import { buildServer } from '../helpers/build';
import { TestDatabase, createTestDatabase } from '../helpers/database';
import { Subscription, ok, subscribe, wsClient } from '../helpers/graphql';
import { ServerProcess, startServerProcess } from '../helpers/server-process';
import { ops, subscriptions } from '../helpers/operations';

// Two instances on one database and one Redis; one is killed (SIGKILL) under traffic. No write it
// acknowledged is lost, the other serves on, and a client of the dead one catches up on the survivor.
jest.setTimeout(90_000);

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let owner: Pool;

beforeAll(async () => {
  buildServer();
  database = await createTestDatabase();
  const db = await openDatabases(database.url, { poolSize: 1 });
  const users = new UsersService(db.system);
  await users.add({ email: 'cara@acme.example', name: 'Cara', password: 'long enough', role: 'customer', tenant: 'Acme' });
  await users.add({ email: 'sam@lex.example', name: 'Sam', password: 'long enough', role: 'superadmin' });
  await db.destroy();
  const env = { DATABASE_URL: database.url, REDIS_URL: process.env.LEX_TEST_REDIS_URL, RATE_LIMIT_SCALE: '1000', NODE_ENV: 'production' };
  [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  owner = new Pool({ connectionString: database.url, max: 1 });
});

afterAll(async () => {
  await Promise.all([a?.stop('SIGKILL'), b?.stop()]);
  await owner?.end();
  await database?.drop();
});

/** A subscription is live once a reply written after it arrives; until then, write another. */
async function untilLive<T>(subscription: Subscription<unknown>, write: () => Promise<T>): Promise<T[]> {
  const written: T[] = [];
  for (let attempt = 0; attempt < 20 && subscription.events.length === 0; attempt++) {
    written.push(await write());
    await subscription.waitFor(1, 500).catch(() => undefined);
  }
  expect(subscription.events.length).toBeGreaterThan(0);
  return written;
}

it('loses no acknowledged write when an instance is killed under traffic', async () => {
  const customer = await signIn(a, 'cara@acme.example', 'long enough');
  const admin = await signIn(b, 'sam@lex.example', 'long enough');
  const ticketId = (await ok(a, ops.createTicket, { input: { subject: 'Both instances', category: 'OTHER', message: 'Hi' } }, customer))
    .createTicket.id;

  // The customer's browser is on A; the Lex team's on B.
  const onA = subscribe(wsClient(a, customer), subscriptions.replyAdded, { ticketId });
  // A reply through B reaches the socket on A (through Redis).
  await untilLive(onA, () => ok(b, ops.replyToTicket, { input: { ticketId, message: 'warm-up' } }, admin));

  const acknowledged: string[] = [];
  let failures = 0;
  let writing = true;
  const writer = async (server: ServerProcess, token: string, name: string) => {
    for (let i = 0; writing; i++) {
      try {
        const data = await ok(server, ops.replyToTicket, { input: { ticketId, message: `${name} ${i}` } }, token);
        acknowledged.push(data.replyToTicket.id);
      } catch {
        failures++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const writers = [writer(a, customer, 'A1'), writer(a, admin, 'A2'), writer(b, customer, 'B1'), writer(b, admin, 'B2')];
  await new Promise((resolve) => setTimeout(resolve, 400));
  await a.stop('SIGKILL');
  const atKill = acknowledged.length;
  await new Promise((resolve) => setTimeout(resolve, 400));
  writing = false;
  await Promise.all(writers);

  expect(atKill).toBeGreaterThan(0);
  expect(acknowledged.length).toBeGreaterThan(atKill); // B went on
  expect(failures).toBeGreaterThan(0); // A's writers saw it die
  const { rows } = await owner.query<{ id: string }>('SELECT id FROM support_replies WHERE ticket_id = $1', [ticketId]);
  const stored = new Set(rows.map((r) => r.id));
  expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

  // The customer's socket died with A; reconnecting to B, the app refetches and then hears live events.
  expect(await onA.ended).toBeDefined();
  const catchUp = await ok(b, ops.supportTicket, { id: ticketId }, customer);
  const seen = new Set(catchUp.supportTicket!.replies.map((r) => r.id));
  expect(acknowledged.filter((id) => !seen.has(id))).toEqual([]);
  const lostAt = Date.now();
  const onB = subscribe(wsClient(b, customer), subscriptions.replyAdded, { ticketId });
  const sent = await untilLive(
    onB,
    async () => (await ok(b, ops.replyToTicket, { input: { ticketId, message: 'after the failover' } }, admin)).replyToTicket.id,
  );
  expect(sent).toContain(onB.events[0]?.data?.replyAdded.id);
  process.stdout.write(
    `[faults] instance lost: the client heard live events on the survivor ${Date.now() - lostAt} ms after reconnecting to it\n`,
  );
  onB.stop();
});
