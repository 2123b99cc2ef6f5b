// What one socket may ask of the server: frame size, tokens per operation, operations per socket,
// sockets per account, and the loaders an operation shares.
import { SignedIn, signedInUser } from '../helpers/accounts';
import { subscribe } from '../helpers/graphql';
import { startTestServer, TestServer } from '../helpers/server';
import { useSockets } from '../helpers/sockets';
import { MAX_FRAME_BYTES, MAX_OPERATIONS_PER_SOCKET, MAX_SOCKETS_PER_USER } from '../../server/realtime/websocket';
import { topics } from '../../server/realtime/topics';
import { REPLY_ADDED, SUPPORT_BADGE, createTicket, eventually, reply, watchStreams } from './live-helpers';

jest.setTimeout(30_000);

let server: TestServer;
let streams: ReturnType<typeof watchStreams>;
let customer: SignedIn;
let admin: SignedIn;
const sockets = useSockets();

beforeAll(async () => {
  server = await startTestServer();
  streams = watchStreams(server);
  customer = await signedInUser(server, 'customer');
  admin = await signedInUser(server, 'superadmin');
});

afterAll(() => server?.close());

const connect = (token: string) => sockets.client(server, token);
const rawSocket = (token: string, ...messages: object[]) =>
  sockets.raw(server, { send: [{ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }, ...messages] });

describe('frames', () => {
  it(`closes a socket with 1009 for a frame over ${MAX_FRAME_BYTES / 1024} KiB, at connection_init or later`, async () => {
    const init = await sockets.raw(server, { send: [{ type: 'connection_init', payload: { padding: 'x'.repeat(MAX_FRAME_BYTES) } }] }).done;
    expect(init.closed?.code).toBe(1009);
    expect(init.messages).toEqual([]);

    const started = performance.now();
    const megabyte = await rawSocket(customer.token, {
      id: '1',
      type: 'subscribe',
      payload: { query: `{ ${'me { id } '.repeat(100_000)} }` },
    }).done;
    expect(megabyte.closed?.code).toBe(1009);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a query of too many tokens without parsing all of it, as over HTTP', async () => {
    // Just under the frame limit: some 19,000 fields, which take hundreds of milliseconds to parse.
    // The parser's own message says it stopped at the limit ("more that": graphql-js's spelling), not after reading them all.
    const query = `{ ${'me '.repeat(19_000)}}`;
    const raw = rawSocket(customer.token, { id: '1', type: 'subscribe', payload: { query } });
    await eventually(() => raw.outcome.messages.some((message) => message.type === 'error'), 'the refusal');
    expect(raw.outcome.messages[1]).toMatchObject({
      id: '1',
      type: 'error',
      payload: [
        { message: expect.stringMatching(/more tha\w? 1000 tokens\. Parsing aborted/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
      ],
    });
  });
});

describe('caps', () => {
  it(`runs at most ${MAX_OPERATIONS_PER_SOCKET} operations at once on one socket`, async () => {
    const client = connect(customer.token);
    const running = Array.from({ length: MAX_OPERATIONS_PER_SOCKET }, () => subscribe(client, SUPPORT_BADGE));
    await Promise.all(running.map((subscription) => subscription.waitFor(1)));
    const refused = subscribe(client, SUPPORT_BADGE);
    expect(await refused.ended).toEqual([
      expect.objectContaining({
        message: `At most ${MAX_OPERATIONS_PER_SOCKET} operations may run at once on one socket`,
        extensions: { code: 'RATE_LIMITED' },
      }),
    ]);
    // One ends, and there is room again.
    running[0].stop();
    const again = subscribe(client, SUPPORT_BADGE);
    await again.waitFor(1);
    expect(again.events).toEqual([{ data: { supportBadge: 0 } }]);
  });

  it(`opens at most ${MAX_SOCKETS_PER_USER} sockets per account`, async () => {
    const user = await signedInUser(server, 'customer');
    const open = Array.from({ length: MAX_SOCKETS_PER_USER }, () => rawSocket(user.token));
    await eventually(() => open.every((raw) => raw.outcome.messages.length > 0), 'every socket acknowledged');
    const refused = await rawSocket(user.token).done;
    expect(refused.closed).toEqual({ code: 4429, reason: `At most ${MAX_SOCKETS_PER_USER} open sockets per account` });
    expect(refused.messages).toEqual([]);
    // Another account is not affected, and a closed socket makes room.
    const other = rawSocket(customer.token);
    open[0].socket.close();
    await open[0].done;
    const next = rawSocket(user.token);
    await eventually(() => next.outcome.messages.length > 0 && other.outcome.messages.length > 0, 'both acknowledged');
    expect(next.outcome.messages).toEqual([{ type: 'connection_ack' }]);
  });
});

describe('loaders', () => {
  it('an operation on a socket reads each ticket once however often it asks; each event of a subscription reads afresh', async () => {
    const ticket = await createTicket(server, customer.token);
    const tickets = server.app.services.tickets;
    const [getTicket, repliesOf] = [tickets.getTicket.bind(tickets), tickets.repliesOf.bind(tickets)];
    let reads = 0;
    // The ticket reads the conversation's page with it; a ticket's replies asked apart read them on their own.
    tickets.getTicket = (...args) => ((reads += 1), getTicket(...args));
    tickets.repliesOf = (...args) => ((reads += 1), repliesOf(...args));
    try {
      const aliases = Array.from({ length: 5 }, (_, i) => `t${i}: supportTicket(id: $id) { replies { id } }`).join(' ');
      const query = subscribe(connect(customer.token), `query ($id: ID!) { ${aliases} }`, { id: ticket.id });
      await query.waitFor(1);
      expect(reads).toBe(1);

      const conversation = subscribe(
        connect(customer.token),
        `subscription ($id: ID) { ticketUpdated(ticketId: $id) { replies { message } } }`,
        { id: ticket.id },
      );
      await streams.until(topics.ticket(ticket.id), 1);
      await reply(server, admin.token, ticket.id, 'First answer');
      await conversation.waitFor(1);
      await reply(server, admin.token, ticket.id, 'Second answer');
      await conversation.waitFor(2);
      expect(conversation.events.map((event) => event.data?.ticketUpdated.replies.length)).toEqual([2, 3]);
    } finally {
      Object.assign(tickets, { getTicket, repliesOf });
    }
  });
});

describe('ticket ids in any case', () => {
  it('a subscription hears replies written with the id in the other case', async () => {
    const ticket = await createTicket(server, customer.token);
    const before = streams.count(topics.ticket(ticket.id));
    const beforeForTeam = streams.count(topics.ticketForTeam(ticket.id));
    const upper = subscribe(connect(customer.token), REPLY_ADDED, { ticketId: ticket.id.toUpperCase() });
    const lower = subscribe(connect(admin.token), REPLY_ADDED, { ticketId: ticket.id });
    // The customer listens to the ticket's topic, the Lex team to its side of it (notes included).
    await streams.until(topics.ticket(ticket.id), before + 1);
    await streams.until(topics.ticketForTeam(ticket.id), beforeForTeam + 1);

    await reply(server, admin.token, ticket.id, 'Written with the lower-case id');
    await reply(server, customer.token, ticket.id.toUpperCase(), 'Written with the upper-case id');
    await Promise.all([upper.waitFor(2), lower.waitFor(2)]);
    const messages = ['Written with the lower-case id', 'Written with the upper-case id'];
    expect(upper.events.map((event) => event.data?.replyAdded.message)).toEqual(messages);
    expect(lower.events.map((event) => event.data?.replyAdded.message)).toEqual(messages);
    expect(upper.events[1].data?.replyAdded.ticketId).toBe(ticket.id);
  });

  it('every ID argument reaches the service lowercased, so that writes to one ticket take one turn', async () => {
    const ticket = await createTicket(server, customer.token);
    const commands = server.app.services.commands;
    const replyToTicket = commands.replyToTicket.bind(commands);
    const received: string[] = [];
    commands.replyToTicket = (viewer, input) => (received.push(input.ticketId), replyToTicket(viewer, input));
    try {
      await reply(server, customer.token, ticket.id.toUpperCase(), 'Over HTTP');
      const overSocket = subscribe(
        connect(customer.token),
        `mutation ($input: ReplyToTicketInput!) { replyToTicket(input: $input) { id } }`,
        {
          input: { ticketId: ticket.id.toUpperCase(), message: 'Over the socket' },
        },
      );
      await overSocket.waitFor(1);
    } finally {
      commands.replyToTicket = replyToTicket;
    }
    expect(received).toEqual([ticket.id, ticket.id]);
  });
});
