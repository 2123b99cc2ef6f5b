import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildServer } from '../helpers/build';
import { signIn } from '../helpers/accounts';
import { graphql } from '../helpers/graphql';
import { ServerProcess, startServerProcess } from '../helpers/server-process';

// `npm start` without DATABASE_URL runs a real PostgreSQL of its own under the data folder and
// keeps its data across restarts.
jest.setTimeout(120_000);

function start(dataDir: string): Promise<ServerProcess> {
  // No DATABASE_URL and no REDIS_URL: what a newcomer's `npm start` sees.
  return startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' });
}

let dataDir: string;
beforeAll(() => {
  buildServer();
  mkdirSync('.data', { recursive: true });
  dataDir = mkdtempSync(path.join('.data', 'embedded-test-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('serves on an embedded PostgreSQL, prints the demo accounts, and keeps data across a restart', async () => {
  const first = await start(dataDir);
  const admin = /Demo superadmin: email (\S+)\s+password (\S+)/.exec(first.output());
  const customer = /Demo customer: email (\S+)\s+password (\S+)/.exec(first.output());
  expect(admin).not.toBeNull();
  expect(customer).not.toBeNull();
  const customerToken = await signIn(first, customer![1], customer![2]);
  const created = await graphql(
    first,
    `mutation { createTicket(input: { subject: "Survives restarts", category: OTHER, message: "Hello" }) { id ticketNumber } }`,
    {},
    customerToken,
  );
  expect(created.errors).toBeUndefined();
  expect(await first.stop()).toBe(0);

  const second = await start(dataDir);
  try {
    expect(second.output()).not.toContain('Demo superadmin');
    const adminToken = await signIn(second, admin![1], admin![2]);
    const tickets = await graphql(second, `{ supportTickets { nodes { subject ticketNumber } } }`, {}, adminToken);
    expect(tickets.data!.supportTickets.nodes).toEqual([{ subject: 'Survives restarts', ticketNumber: created.data!.createTicket.ticketNumber }]);
  } finally {
    expect(await second.stop()).toBe(0);
  }
});
