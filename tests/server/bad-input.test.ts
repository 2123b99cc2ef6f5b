import { graphql, GraphQLResponse } from '../helpers/graphql';
import { subscriptions } from '../helpers/operations';
import { ops, useDesk } from '../helpers/support-api';

// Bad input gets a clear error that names the field, and changes nothing.
const desk = useDesk();
let ticketId: string;

beforeAll(async () => {
  ticketId = (await desk.createTicket(desk.customer.token)).id;
});

async function rowCounts() {
  const [counts] = await desk.server.sql(
    `SELECT (SELECT count(*) FROM support_tickets)::int AS tickets, (SELECT count(*) FROM support_replies)::int AS replies,
            (SELECT max(updated_at) FROM support_tickets) AS updated`,
  );
  return counts;
}

const create = (input: Record<string, unknown>) =>
  graphql(desk.server, ops.createTicket, { input: { subject: 'Fine', category: 'OTHER', message: 'Fine', ...input } }, desk.customer.token);
const reply = (input: Record<string, unknown>, token = desk.customer.token) =>
  graphql(desk.server, ops.replyToTicket, { input: { ticketId, message: 'Fine', ...input } }, token);

describe.each<[string, () => Promise<GraphQLResponse>, string]>([
  ['a blank subject', () => create({ subject: '  \n\t ' }), 'subject'],
  ['a 201-character subject', () => create({ subject: 'x'.repeat(201) }), 'subject'],
  ['a blank message', () => create({ message: '   ' }), 'message'],
  ['a 1 MB message', () => create({ message: 'x'.repeat(1_000_000) }), 'message'],
  ['a 10,001-character message', () => create({ message: 'y'.repeat(10_001) }), 'message'],
  ['an unknown category', () => create({ category: 'GOSSIP' }), 'category'],
  ['a blank reply', () => reply({ message: '' }), 'message'],
  ['a 1 MB reply', () => reply({ message: 'z'.repeat(1_000_000) }), 'message'],
  ['a page size of 0', () => graphql(desk.server, ops.supportTickets, { first: 0 }, desk.admin.token), 'first'],
  ['a page size of 101', () => graphql(desk.server, ops.myTickets, { first: 101 }, desk.customer.token), 'first'],
  ['a forged cursor', () => graphql(desk.server, ops.supportTickets, { after: 'bm90IGEgY3Vyc29y' }, desk.admin.token), 'after'],
  ['an empty cursor', () => graphql(desk.server, ops.myTickets, { after: '' }, desk.customer.token), 'after'],
])('%s', (_name, send, field) => {
  it(`answers BAD_USER_INPUT naming "${field}" and changes nothing`, async () => {
    const before = await rowCounts();
    const result = await send();
    expect(result.data?.createTicket ?? result.data?.replyToTicket ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors![0].message).toMatch(new RegExp(field));
    expect(await rowCounts()).toEqual(before);
  });
});

it('accepts a 200-character subject and a 10,000-character message, trimmed', async () => {
  const result = await create({ subject: `  ${'s'.repeat(200)}  `, message: `\n${'m'.repeat(10_000)}\n` });
  expect(result.errors).toBeUndefined();
  expect(result.data!.createTicket.subject).toHaveLength(200);
  expect(result.data!.createTicket.replies[0].message).toHaveLength(10_000);
});

describe.each([
  ['a malformed id', '1; DROP TABLE support_tickets; --'],
  ['an unknown id', '00000000-0000-4000-8000-000000000000'],
])('%s', (_name, id) => {
  it('is not found, without a database error', async () => {
    const before = await rowCounts();
    expect(await desk.ticket(desk.admin.token, id)).toBeNull();
    for (const [query, variables] of [
      [ops.replyToTicket, { input: { ticketId: id, message: 'hello' } }],
      [ops.closeTicket, { id }],
      [ops.setTicketStatus, { id, status: 'CLOSED' }],
      [ops.markTicketRead, { id }],
    ] as [string, Record<string, unknown>][]) {
      const result = await graphql(desk.server, query, variables, desk.admin.token);
      expect(result.errors!.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_FOUND', 'Ticket not found']]);
    }
    expect(await rowCounts()).toEqual(before);
  });
});

it('refuses a subscription over HTTP with a clear error, not an internal one', async () => {
  const response = await fetch(desk.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${desk.customer.token}` },
    body: JSON.stringify({ query: subscriptions.supportBadge }),
  });
  expect(response.status).toBe(400);
  const { errors } = (await response.json()) as GraphQLResponse;
  expect(errors).toEqual([
    expect.objectContaining({ message: expect.stringMatching(/WebSocket/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
  ]);
});

it('never leaks a stack trace or SQL for a malformed request', async () => {
  for (const body of ['{"query": "{ me { id } ', '{"query": 42}', '[]', '{"query": "{ nope }"}']) {
    const response = await fetch(desk.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    expect(response.status).toBeLessThan(500);
    expect(text).not.toMatch(/stacktrace|at .*\.js:\d+|SELECT|node_modules/);
  }
});
