// The team's list in each order (docs/architecture.md §8, "Orders"): every order × filter pages
// through the same tickets as one page holds them, in that order, without gaps or repeats; a cursor
// belongs to its order. And the customer's other tickets beside a ticket, under the viewer's scope.
import { randomUUID } from 'node:crypto';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql, ok } from '../helpers/graphql';
import { ops, triageOps, type SupportTicketFilter, type SupportTicketOrder } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';

jest.setTimeout(30_000);
const desk = useDesk();
let agent: SignedIn;
let tickets: { id: string; ticketNumber: number }[];
const ORDERS: SupportTicketOrder[] = ['UPDATED_DESC', 'UPDATED_ASC', 'CREATED_DESC', 'CREATED_ASC'];
const CATEGORIES = ['TECHNICAL', 'BILLING', 'OTHER'] as const;

beforeAll(async () => {
  agent = await signedInUser(desk.server, 'superadmin');
  tickets = [];
  for (let i = 0; i < 14; i++) {
    const customer = i % 3 === 0 ? desk.otherCustomer : desk.customer;
    tickets.push(await desk.createTicket(customer.token, { subject: `Order ${i}`, category: CATEGORIES[i % 3] }));
  }
  // Updates in another order than creation, statuses and owners mixed, overdue first responses.
  for (const i of [9, 2, 12, 5]) await desk.reply(agent.token, tickets[i].id, 'On it');
  for (const i of [3, 7]) await desk.close(desk.admin.token, tickets[i].id);
  for (const i of [1, 4, 12]) await ok(desk.server, ops.assignTicket, { id: tickets[i].id, assigneeId: agent.id }, desk.admin.token);
  await desk.server.sql(`UPDATE support_tickets SET first_response_due_at = created_at - interval '1 minute' WHERE id = ANY($1)`, [
    [0, 6, 8, 11].map((i) => tickets[i].id),
  ]);
  // Equal update times: the keyset's tie-break (id) must page through them too.
  await desk.server.sql(`UPDATE support_tickets SET updated_at = '2026-01-05T10:00:00Z' WHERE id = ANY($1)`, [
    [0, 4, 6, 10, 13].map((i) => tickets[i].id),
  ]);
});

type Row = { id: string; ticketNumber: number; updatedAt: string };
const list = (variables: { filter?: SupportTicketFilter; orderBy?: SupportTicketOrder; first?: number; after?: string | null }) =>
  graphql(desk.server, triageOps.supportTickets, variables, desk.admin.token);

async function allPages(filter: SupportTicketFilter, orderBy: SupportTicketOrder, first: number): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const result = await list({ filter, orderBy, first, after });
    expect(result.errors).toBeUndefined();
    const { nodes, pageInfo } = result.data!.supportTickets;
    rows.push(...nodes);
    if (!pageInfo.hasNextPage) return rows;
    after = pageInfo.endCursor;
  }
  throw new Error('more pages than tickets');
}

/** Negative when `a` comes first in `order`. */
function compare(order: SupportTicketOrder, a: Row, b: Row): number {
  const byUpdate = Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.id < b.id ? -1 : 1);
  const byNumber = a.ticketNumber - b.ticketNumber;
  return { UPDATED_DESC: -byUpdate, UPDATED_ASC: byUpdate, CREATED_DESC: -byNumber, CREATED_ASC: byNumber }[order];
}

const FILTERS: [string, () => SupportTicketFilter][] = [
  ['no filter', () => ({})],
  ['a status', () => ({ status: 'OPEN' })],
  ['a category', () => ({ category: 'BILLING' })],
  ['the "Mine" view', () => ({ assigneeId: agent.id, notClosed: true })],
  ['the "Unassigned" view', () => ({ unassigned: true, notClosed: true })],
  ['the "Overdue" view', () => ({ slaBreached: true, notClosed: true })],
  ['closed tickets', () => ({ notClosed: false })],
  ['a search', () => ({ search: 'Order 1' })],
];

describe.each(ORDERS)('ordered %s', (orderBy) => {
  it.each(FILTERS)('pages through %s in order, each ticket once', async (_, filter) => {
    const everything = (await list({ filter: filter(), orderBy: 'UPDATED_DESC', first: 100 })).data!.supportTickets;
    const paged = await allPages(filter(), orderBy, 2);
    expect(paged.length).toBe(everything.totalCount);
    expect(new Set(paged.map((r) => r.id))).toEqual(new Set(everything.nodes.map((r) => r.id)));
    expect(paged).toEqual([...paged].sort((a, b) => compare(orderBy, a, b)));
    expect(paged.length).toBeGreaterThan(0);
  });
});

it('lists the same tickets whatever the order, the default being the last update first', async () => {
  const byDefault = (await list({ first: 100 })).data!.supportTickets.nodes;
  expect(byDefault).toEqual((await list({ orderBy: 'UPDATED_DESC', first: 100 })).data!.supportTickets.nodes);
  const created = (await list({ orderBy: 'CREATED_ASC', first: 100 })).data!.supportTickets.nodes;
  expect(created.map((r) => r.ticketNumber)).toEqual(tickets.map((t) => t.ticketNumber));
});

it.each([
  ['UPDATED_DESC', 'CREATED_DESC'],
  ['CREATED_ASC', 'UPDATED_ASC'],
  ['CREATED_DESC', 'UPDATED_DESC'],
] as const)('refuses a cursor of %s in %s, naming after', async (issuedIn, usedIn) => {
  const cursor = (await list({ orderBy: issuedIn, first: 2 })).data!.supportTickets.pageInfo.endCursor;
  const result = await list({ orderBy: usedIn, first: 2, after: cursor });
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
});

it('refuses an order that does not exist, naming it', async () => {
  const result = await graphql(
    desk.server,
    `
      query ($orderBy: SupportTicketOrder) {
        supportTickets(orderBy: $orderBy) {
          totalCount
        }
      }
    `,
    { orderBy: 'NEWEST' },
    desk.admin.token,
  );
  expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0].message).toMatch(/orderBy/);
});

it('is the team’s: a customer cannot order the team’s list', async () => {
  const result = await graphql(desk.server, triageOps.supportTickets, { orderBy: 'CREATED_ASC' }, desk.customer.token);
  expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});

describe("the customer's other tickets", () => {
  const others = (token: string, ticketId: string, first?: number) =>
    graphql(desk.server, triageOps.customerTickets, { ticketId, first }, token);
  const idsOf = async (token: string, ticketId: string, first?: number) => {
    const result = await others(token, ticketId, first);
    expect(result.errors).toBeUndefined();
    return result.data!.customerTickets.map((t) => t.id);
  };
  const ownedBy = async (customer: SignedIn) => {
    const rows = (await list({ orderBy: 'UPDATED_DESC', first: 100 })).data!.supportTickets.nodes;
    const mine = new Set((await desk.myTickets(customer.token, { first: 100 })).nodes.map((t) => t.id));
    return rows.filter((r) => mine.has(r.id)).map((r) => r.id);
  };

  it("gives the team the customer's other tickets, most recently updated first, as many as asked", async () => {
    const theirs = await ownedBy(desk.customer);
    const [first, ...rest] = theirs;
    expect(await idsOf(desk.admin.token, first)).toEqual(rest.slice(0, 5));
    expect(await idsOf(desk.admin.token, first, 10)).toEqual(rest.slice(0, 10));
    expect(await idsOf(desk.admin.token, rest[2], 3)).toEqual(theirs.filter((id) => id !== rest[2]).slice(0, 3));
  });

  it('gives a customer their own other tickets, and nothing for a ticket that is not theirs', async () => {
    const own = await ownedBy(desk.customer);
    expect(await idsOf(desk.customer.token, own[0], 10)).toEqual(own.slice(1, 11));
    const foreign = (await ownedBy(desk.otherCustomer))[0];
    expect(await idsOf(desk.customer.token, foreign)).toEqual([]);
    expect(await idsOf(desk.customer.token, randomUUID())).toEqual([]);
  });

  it.each([
    ['ticketId', 'ticket-1', 5],
    ['first', null, 0],
    ['first', null, 11],
  ] as const)('refuses a bad %s, naming it', async (field, ticketId, first) => {
    const result = await others(desk.admin.token, ticketId ?? tickets[0].id, first);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('is for signed-in viewers only', async () => {
    const result = await others('', tickets[0].id);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
