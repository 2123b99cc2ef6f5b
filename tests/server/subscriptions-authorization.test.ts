// Who may open a socket and listen to what: every refusal is a refusal, and nothing leaks after it.
import { ok, settle, subscribe } from '../helpers/graphql';
import { RawSocketOptions } from '../helpers/raw-socket';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { startTestServer, TestServer } from '../helpers/server';
import { useSockets } from '../helpers/sockets';
import { topics } from '../../server/realtime/topics';
import { REPLY_ADDED, SUPPORT_BADGE, TICKET_UPDATED, createTicket, eventually, reply, setStatus, watchStreams } from './live-helpers';

jest.setTimeout(20_000);

let server: TestServer;
let streams: ReturnType<typeof watchStreams>;
let admin: SignedIn;
let owner: SignedIn;
let ticketId: string;
const sockets = useSockets();

beforeAll(async () => {
  server = await startTestServer({ redis: true });
  streams = watchStreams(server);
  admin = await signedInUser(server, 'superadmin');
  owner = await signedInUser(server, 'customer', 'Acme');
  ticketId = (await createTicket(server, owner.token)).id;
});

afterAll(() => server?.close());

const connect = (token?: string, origin?: string) => sockets.client(server, token, { origin });

/** Writes that would reach every topic of the owner's ticket, if anyone were listening. */
async function writeToTicket() {
  await reply(server, admin.token, ticketId, 'For the owner only');
  await setStatus(server, admin.token, ticketId, 'IN_PROGRESS');
  await reply(server, owner.token, ticketId, 'Owner again');
}

const rawSocket = (options: RawSocketOptions) => sockets.raw(server, options);

const subscribeMessage = (id: string, query: string, variables: Record<string, unknown> = {}) => ({
  id,
  type: 'subscribe',
  payload: { query, variables },
});

describe('listening to a ticket (replyAdded, ticketUpdated with an id)', () => {
  const cases: [string, () => Promise<SignedIn>][] = [
    ['another customer of the same tenant', () => signedInUser(server, 'customer', 'Acme')],
    ['a customer of another tenant', () => signedInUser(server, 'customer', 'Globex')],
  ];

  it.each(cases)('is refused to %s as if the ticket did not exist, and nothing arrives', async (_who, make) => {
    const stranger = await make();
    const client = connect(stranger.token);
    const replies = subscribe(client, REPLY_ADDED, { ticketId });
    const updates = subscribe(client, TICKET_UPDATED, { ticketId });
    const missing = subscribe(client, REPLY_ADDED, { ticketId: '00000000-0000-4000-8000-000000000000' });

    // Each gets one result, the error, and is completed: the socket itself stays open.
    const refusal = { errors: [expect.objectContaining({ message: 'Ticket not found', extensions: { code: 'NOT_FOUND' } })] };
    for (const subscription of [replies, updates, missing]) {
      await subscription.ended;
      expect(subscription.events).toEqual([refusal]);
    }
    await writeToTicket();
    await settle();
    for (const subscription of [replies, updates, missing]) expect(subscription.events).toEqual([refusal]);
    expect(streams.count(topics.ticket(ticketId))).toBe(0);
  });

  it("a stranger's own feeds (ticketUpdated without an id, supportBadge) never carry the ticket", async () => {
    const stranger = await signedInUser(server, 'customer', 'Acme');
    const client = connect(stranger.token);
    const before = streams.count(topics.user(stranger.id));
    const updates = subscribe(client, TICKET_UPDATED, {});
    const badge = subscribe(client, SUPPORT_BADGE);
    await badge.waitFor(1);
    await streams.until(topics.user(stranger.id), before + 1);

    await writeToTicket();
    const own = await createTicket(server, stranger.token, 'Mine');
    await updates.waitFor(1);
    await settle();
    expect(updates.events.map((event) => event.data?.ticketUpdated.id)).toEqual([own.id]);
    expect(badge.events.map((event) => event.data?.supportBadge)).toEqual([0]);
  });
});

describe('opening a socket', () => {
  it('is refused when signed out: closed with 4403 at connection_init, and nothing arrives', async () => {
    const client = connect(undefined);
    const subscription = subscribe(client, SUPPORT_BADGE);
    expect(await subscription.ended).toMatchObject({ code: 4403 });

    const raw = rawSocket({ send: [{ type: 'connection_init' }] });
    const outcome = await raw.done;
    expect(outcome.closed?.code).toBe(4403);
    expect(outcome.messages).toEqual([]);
    expect(subscription.events).toEqual([]);
  });

  it('is refused with a token that is unknown or signed out', async () => {
    const signedOut = await signedInUser(server, 'customer');
    await ok(server, 'mutation { logout }', {}, signedOut.token);
    for (const token of ['not-a-session-token', signedOut.token]) {
      const subscription = subscribe(connect(token), REPLY_ADDED, { ticketId });
      expect(await subscription.ended).toMatchObject({ code: 4403 });
      expect(subscription.events).toEqual([]);
    }
  });

  it('is refused at the upgrade for a foreign Origin, even with a valid session', async () => {
    const outcome = await rawSocket({ headers: { origin: 'https://evil.example', authorization: `Bearer ${owner.token}` } }).done;
    expect(outcome.refused).toBe(403);

    const subscription = subscribe(connect(owner.token, 'https://evil.example'), REPLY_ADDED, { ticketId });
    await subscription.ended;
    await writeToTicket();
    await settle();
    expect(subscription.events).toEqual([]);

    // The allowed origin (PUBLIC_ORIGIN) gets in.
    const allowed = subscribe(connect(owner.token, server.origin), SUPPORT_BADGE);
    await allowed.waitFor(1);
  });

  it('closes with 4401 a socket that subscribes before connection_init', async () => {
    const outcome = await rawSocket({ send: [subscribeMessage('1', REPLY_ADDED, { ticketId })] }).done;
    expect(outcome.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
    expect(outcome.messages).toEqual([]);
  });

  it('speaks only graphql-transport-ws', async () => {
    const send = [{ type: 'connection_init', payload: { authorization: `Bearer ${owner.token}` } }, subscribeMessage('1', SUPPORT_BADGE)];
    // The legacy subscriptions-transport-ws protocol: the server agrees to no subprotocol, so the
    // client cannot even open the socket.
    const legacy = await rawSocket({ protocols: ['graphql-ws'], send }).done;
    expect(legacy.protocol).toBeUndefined();
    expect(legacy.messages).toEqual([]);
    // No subprotocol at all: opened, then closed with 4406 before anything is read.
    const none = await rawSocket({ protocols: [], send }).done;
    expect(none.closed).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });
    expect(none.messages).toEqual([]);
  });

  it("accepts a browser's session cookie at connection_init", async () => {
    const { outcome } = rawSocket({
      headers: { cookie: `lex_session=${owner.token}`, origin: server.origin },
      send: [{ type: 'connection_init' }, subscribeMessage('1', SUPPORT_BADGE)],
    });
    await eventually(() => outcome.messages.length >= 2 || Boolean(outcome.closed), 'the badge over a cookie-authenticated socket');
    expect(outcome.messages).toEqual([{ type: 'connection_ack' }, { id: '1', type: 'next', payload: { data: { supportBadge: 0 } } }]);
  });
});

describe('the end of a session', () => {
  it('logout closes every open socket of that session, and only those', async () => {
    const customer = await signedInUser(server, 'customer');
    const secondToken = (
      await ok(server, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, {
        e: customer.email,
        p: customer.password,
      })
    ).login.token as string;
    const ticket = await createTicket(server, customer.token);
    const tab1 = subscribe(connect(customer.token), REPLY_ADDED, { ticketId: ticket.id });
    const tab2 = subscribe(connect(customer.token), SUPPORT_BADGE);
    const otherDevice = subscribe(connect(secondToken), REPLY_ADDED, { ticketId: ticket.id });
    await tab2.waitFor(1);
    await streams.until(topics.ticket(ticket.id), 2);

    await ok(server, 'mutation { logout }', {}, customer.token);
    expect(await tab1.ended).toMatchObject({ code: 4403 });
    expect(await tab2.ended).toMatchObject({ code: 4403 });

    await reply(server, admin.token, ticket.id, 'After the logout');
    await otherDevice.waitFor(1);
    await settle();
    expect(tab1.events).toEqual([]);
    expect(tab2.events).toHaveLength(1);
    expect(otherDevice.events.map((event) => event.data?.replyAdded.message)).toEqual(['After the logout']);
  });

  it('closes the socket with 4403 when the session expires', async () => {
    const customer = await signedInUser(server, 'customer');
    await server.sql(`UPDATE sessions SET expires_at = now() + interval '1 second' WHERE user_id = $1`, [customer.id]);
    const badge = subscribe(connect(customer.token), SUPPORT_BADGE);
    await badge.waitFor(1);
    expect(await badge.ended).toMatchObject({ code: 4403 });
  });
});
