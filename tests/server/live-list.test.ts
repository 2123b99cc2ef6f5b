import { ok } from '../helpers/graphql';
import { SignedIn } from '../helpers/accounts';
import { TestServer } from '../helpers/server';
import { api, openDesk } from '../helpers/support-api';
import { ticketMatchesFilter, upsertTicket, type ListFilter, type TicketLike } from '../../client/src/support/ticket-list';
import type { SupportTicketOrder } from '../helpers/operations';

// The web app's live list decides on its own what a changed ticket does to the list it shows. These
// tests hold its decisions against what this server answers to the same list afterwards.

type Summary = TicketLike & { createdAt: string };
type Page = { nodes: Summary[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const SUMMARY =
  'id ticketNumber subject status category createdAt updatedAt userName userEmail tenant { name } assignee { id } sla { breached }';

let server: TestServer;
let desk: ReturnType<typeof api>;
let customer: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  ({ server, desk, customer, admin } = await openDesk());
});
afterAll(() => server.close());

async function page(filter: ListFilter, first: number, orderBy: SupportTicketOrder = 'UPDATED_DESC'): Promise<Page> {
  const query = `query ($filter: SupportTicketFilter, $orderBy: SupportTicketOrder, $first: Int) {
    supportTickets(filter: $filter, orderBy: $orderBy, first: $first) { totalCount pageInfo { hasNextPage endCursor } nodes { ${SUMMARY} } } }`;
  return (await ok<{ supportTickets: Page }>(server, query, { filter, orderBy, first }, admin.token)).supportTickets;
}

/** What the ticketUpdated event carries about a ticket after a change. */
async function summaryOf(id: string): Promise<Summary> {
  return (await ok<{ supportTicket: Summary }>(server, `query ($id: ID!) { supportTicket(id: $id) { ${SUMMARY} } }`, { id }, admin.token))
    .supportTicket;
}

async function newTickets(count: number, subject = 'Payslip question'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await desk.createTicket(customer.token, { subject: `${subject} ${i}` })).id);
  return ids;
}

/** A new ticket that gets the given number. */
async function ticketNumbered(number: number, subject: string): Promise<string> {
  await server.sql(`SELECT setval(pg_get_serial_sequence('support_tickets', 'ticket_number'), $1, false)`, [number]);
  return (await newTickets(1, subject))[0];
}

/**
 * Loads the first `first` rows of a list, lets `change` happen, applies the changed ticket as the
 * app does, and compares the result with the server's answer to the same list now.
 */
async function liveListAgrees(filter: ListFilter, first: number, change: () => Promise<string>, orderBy?: SupportTicketOrder) {
  const before = await page(filter, first, orderBy);
  const ticket = await summaryOf(await change());
  const { list, countKnown } = upsertTicket(before, ticket, filter, orderBy);
  const after = await page(filter, Math.max(list.nodes.length, 1), orderBy);
  expect(list.nodes.map((n) => n.id)).toEqual(after.nodes.slice(0, list.nodes.length).map((n) => n.id));
  if (countKnown) expect(list.totalCount).toBe(after.totalCount);
  return { countKnown, serverTotal: after.totalCount, shownTotal: list.totalCount };
}

describe('the live list agrees with the server', () => {
  beforeEach(() => server.sql(`DELETE FROM support_tickets`));

  it('matches searches as the server does: ticket numbers exactly, text anywhere', async () => {
    const a = await ticketNumbered(123, 'Invoice 1234 is wrong');
    const b = await ticketNumbered(1234, 'Invoice is wrong');
    const c = await ticketNumbered(51234, 'Invoice is wrong');
    const tickets = await Promise.all([a, b, c].map(summaryOf));
    const searches = [
      '123',
      '#123',
      '1234',
      '#1234',
      ' 1234 ',
      '0123',
      '12',
      '#12',
      'invoice 1234',
      'INVOICE',
      'acme',
      customer.email.toUpperCase(),
      'customer-',
      '%',
      '_',
      'nothing',
    ];
    for (const search of searches) {
      const found = new Set((await page({ search }, 50)).nodes.map((n) => n.id));
      for (const ticket of tickets) {
        expect({ search, ticket: ticket.ticketNumber, listed: ticketMatchesFilter(ticket, { search }) }).toEqual({
          search,
          ticket: ticket.ticketNumber,
          listed: found.has(ticket.id),
        });
      }
    }
  });

  it('moves a ticket from a page not loaded yet to the top without counting it twice', async () => {
    const [oldest] = await newTickets(5);
    const { countKnown } = await liveListAgrees({}, 2, () => desk.reply(customer.token, oldest, 'Any news?').then(() => oldest));
    expect(countKnown).toBe(true);
  });

  it('leaves a change on a page not loaded yet to pagination', async () => {
    const [oldest] = await newTickets(4);
    await liveListAgrees({}, 2, () => desk.markRead(admin.token, oldest).then(() => oldest));
  });

  it('counts a new ticket once, on a list with pages still to load', async () => {
    await newTickets(3);
    const { countKnown } = await liveListAgrees({}, 2, async () => (await newTickets(1))[0]);
    expect(countKnown).toBe(true);
  });

  it('takes a ticket out of a status list it no longer matches', async () => {
    const [, , newest] = await newTickets(3);
    const { countKnown } = await liveListAgrees({ status: 'OPEN' }, 2, () => desk.reply(admin.token, newest).then(() => newest));
    expect(countKnown).toBe(true);
  });

  it('asks the server for the total when a status list changes on a page it has not loaded', async () => {
    const [oldest] = await newTickets(4);
    const { countKnown, serverTotal } = await liveListAgrees({ status: 'OPEN' }, 2, () =>
      desk.reply(admin.token, oldest).then(() => oldest),
    );
    expect(countKnown).toBe(false);
    expect(serverTotal).toBe(3);
  });

  it('adds a ticket that starts to match a status list', async () => {
    const ids = await newTickets(3);
    for (const id of ids) await desk.reply(admin.token, id);
    const { countKnown } = await liveListAgrees({ status: 'OPEN' }, 25, () => desk.reply(customer.token, ids[0]).then(() => ids[0]));
    expect(countKnown).toBe(true);
  });

  it('keeps a searched list to what the search finds', async () => {
    const ids = [await ticketNumbered(1234, 'Holiday pay'), await ticketNumbered(123, 'Holiday pay')];
    await liveListAgrees({ search: '123' }, 25, () => desk.reply(customer.token, ids[0]).then(() => ids[0]));
    await liveListAgrees({ search: '123' }, 25, () => desk.reply(customer.token, ids[1]).then(() => ids[1]));
  });
});

describe.each<SupportTicketOrder>(['UPDATED_DESC', 'UPDATED_ASC', 'CREATED_DESC', 'CREATED_ASC'])('the live list ordered %s', (orderBy) => {
  beforeEach(() => server.sql(`DELETE FROM support_tickets`));
  const listed = async (filter: ListFilter = {}) => (await page(filter, 50, orderBy)).nodes.map((n) => n.id);

  it.each([
    ['the first loaded row', 0],
    ['a row on a page not loaded yet', -1],
  ])('moves or keeps %s when it gets a reply, as the server does', async (_, at) => {
    await newTickets(5);
    const id = (await listed()).at(at)!;
    const { countKnown } = await liveListAgrees({}, 2, () => desk.reply(customer.token, id, 'Any news?').then(() => id), orderBy);
    expect(countKnown).toBe(true);
  });

  it('counts a new ticket once, or asks the server when it lies past the loaded rows', async () => {
    await newTickets(3);
    const { countKnown } = await liveListAgrees({}, 2, async () => (await newTickets(1))[0], orderBy);
    expect(countKnown).toBe(orderBy.endsWith('_DESC'));
  });

  it('takes a resolved ticket out of open work', async () => {
    await newTickets(4);
    const id = (await listed({ unassigned: true, notClosed: true }))[1];
    await liveListAgrees({ unassigned: true, notClosed: true }, 3, () => desk.setStatus(admin.token, id, 'CLOSED').then(() => id), orderBy);
  });

  it('adds a ticket to "Overdue" when its first response turns overdue', async () => {
    const [late] = await newTickets(3);
    const overdue = { slaBreached: true, notClosed: true };
    await liveListAgrees(
      overdue,
      25,
      async () => {
        await server.sql(`UPDATE support_tickets SET first_response_due_at = created_at - interval '1 minute' WHERE id = $1`, [late]);
        return late;
      },
      orderBy,
    );
    expect(await listed(overdue)).toEqual([late]);
  });
});
