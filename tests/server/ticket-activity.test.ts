// Who is viewing and typing on a ticket page (docs/architecture.md §8), in process (no Redis).
import { randomUUID } from 'node:crypto';
import { SqlCapture } from '../../bench/sql-capture';
import { topics } from '../../server/realtime/topics';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql, settle, subscribe } from '../helpers/graphql';
import { activityOps, type TicketActivity } from '../helpers/operations';
import { useSockets } from '../helpers/sockets';
import { useDesk } from '../helpers/support-api';
import { watchStreams } from './live-helpers';

jest.setTimeout(20_000);
// Real limits, so that the flood below meets the one the desk runs with.
const desk = useDesk({ env: { RATE_LIMIT_SCALE: '1' } });

const sockets = useSockets();

const report = (user: SignedIn | undefined, ticketId: string, typing: boolean, internal?: boolean) =>
  graphql(desk.server, activityOps.report, { ticketId, typing, ...(internal === undefined ? {} : { internal }) }, user?.token);

async function watch(user: SignedIn, ticketId: string) {
  const streams = watchStreams(desk.server);
  const subscription = subscribe(sockets.client(desk.server, user.token), activityOps.watch, { ticketId });
  await streams.until(topics.ticketActivity(ticketId), 1);
  await subscription.waitFor(1);
  return {
    subscription,
    last: () => subscription.events.at(-1)!.data!.ticketActivity as TicketActivity,
    names: (list: 'viewers' | 'typing') =>
      (subscription.events.at(-1)!.data!.ticketActivity as TicketActivity)[list].map((p) => p.name).sort(),
  };
}

it('the team sees every viewer and typist; the customer only the team typing a public reply', async () => {
  const ticket = await desk.createTicket(desk.customer.token);
  const team = await watch(desk.admin, ticket.id);
  const customer = await watch(desk.customer, ticket.id);
  expect(team.last()).toEqual({ ticketId: ticket.id, viewers: [], typing: [] });

  await report(desk.customer, ticket.id, false);
  await team.subscription.waitFor(2);
  expect(team.names('viewers')).toEqual([desk.customer.name]);

  await report(desk.admin, ticket.id, false); // viewing only: nothing for the customer
  await report(desk.admin, ticket.id, true, true); // typing a note: nothing for the customer
  await team.subscription.waitFor(4);
  expect(team.names('typing')).toEqual([desk.admin.name]);
  expect(team.last().typing[0].internal).toBe(true);
  await settle(200);
  expect(customer.subscription.events).toHaveLength(1);

  await report(desk.admin, ticket.id, true); // a public reply: "Lex team is typing…"
  await customer.subscription.waitFor(2);
  expect(customer.last()).toEqual({
    ticketId: ticket.id,
    viewers: [],
    typing: [{ id: desk.admin.id, name: desk.admin.name, isAdmin: true, internal: false }],
  });
  await team.subscription.waitFor(5); // the note became a reply
  expect(team.last().typing).toEqual([{ id: desk.admin.id, name: desk.admin.name, isAdmin: true, internal: false }]);

  await report(desk.customer, ticket.id, true);
  await team.subscription.waitFor(6);
  expect(team.names('typing')).toEqual([desk.admin.name, desk.customer.name].sort());
  await report(desk.admin, ticket.id, false);
  await customer.subscription.waitFor(3);
  expect(customer.last().typing).toEqual([]);
});

it('a heartbeat that changes nothing publishes nothing and sends nothing', async () => {
  const ticket = await desk.createTicket(desk.customer.token);
  const team = await watch(desk.admin, ticket.id);
  const published: string[] = [];
  const publish = desk.server.bus.publish.bind(desk.server.bus);
  desk.server.bus.publish = (topic, payload) => (published.push(topic), publish(topic, payload));
  try {
    await report(desk.customer, ticket.id, false);
    await team.subscription.waitFor(2);
    await report(desk.customer, ticket.id, false);
    await report(desk.customer, ticket.id, false);
    await settle(200);
  } finally {
    desk.server.bus.publish = publish;
  }
  expect(published).toEqual([topics.ticketActivity(ticket.id)]);
  expect(team.subscription.events).toHaveLength(2);
});

it("reads the ticket on a page's first report only; another customer is refused while the page is there", async () => {
  const ticket = await desk.createTicket(desk.customer.token);
  const logger = desk.server.db.logger;
  const capture = SqlCapture.install(desk.server.db);
  try {
    const first = await capture.during(() => report(desk.customer, ticket.id, false));
    const heartbeat = await capture.during(() => report(desk.customer, ticket.id, true));
    expect(first.statements.length).toBeGreaterThan(0);
    expect(heartbeat).toEqual({ result: { data: { reportTicketActivity: true } }, statements: [] });
  } finally {
    Object.assign(desk.server.db, { logger });
  }
  expect((await report(desk.otherCustomer, ticket.id, false)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
});

describe('who may report and watch', () => {
  it.each(['another customer', 'anyone, for an unknown ticket', 'someone signed out'])('refuses %s', async (who) => {
    const ticket = await desk.createTicket(desk.customer.token);
    const [user, ticketId, code]: [SignedIn | undefined, string, string] =
      who === 'another customer'
        ? [desk.otherCustomer, ticket.id, 'NOT_FOUND']
        : who === 'someone signed out'
          ? [undefined, ticket.id, 'UNAUTHENTICATED']
          : [desk.admin, randomUUID(), 'NOT_FOUND'];
    const result = await report(user, ticketId, true);
    expect(result.errors?.[0].extensions?.code).toBe(code);
    if (!user) return;
    const subscription = subscribe(sockets.client(desk.server, user.token), activityOps.watch, { ticketId });
    await subscription.ended;
    expect(subscription.events).toEqual([{ errors: [expect.objectContaining({ extensions: { code } })] }]);
  });

  it('refuses a customer reporting an internal note (FORBIDDEN)', async () => {
    const ticket = await desk.createTicket(desk.customer.token);
    const result = await report(desk.customer, ticket.id, true, true);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('rate-limits a flood of reports', async () => {
    const flooder = await signedInUser(desk.server, 'customer', 'Acme');
    const ticket = await desk.createTicket(flooder.token);
    const results = await Promise.all(Array.from({ length: 150 }, () => report(flooder, ticket.id, true)));
    const codes = results.map((r) => r.errors?.[0].extensions?.code ?? 'ok');
    expect(codes.filter((c) => c === 'ok')).toHaveLength(120);
    expect(new Set(codes)).toEqual(new Set(['ok', 'RATE_LIMITED']));
  });
});
