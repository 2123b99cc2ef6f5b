import { SignedIn, signedInUser } from '../helpers/accounts';
import { useDesk } from '../helpers/support-api';

const desk = useDesk();

const later = (a: string, b: string) => new Date(a).getTime() >= new Date(b).getTime();

describe('the rules of the desk (docs/architecture.md §1) over GraphQL', () => {
  it('runs the whole scenario: create → superadmin replies → customer replies → customer closes', async () => {
    // Rule 3: the message is stored as the first reply, in the same transaction.
    const created = await desk.createTicket(desk.customer.token, {
      subject: '  Payroll question  ',
      category: 'CAO_RELATED',
      message: 'How many leave days?',
    });
    expect(created).toMatchObject({
      subject: 'Payroll question',
      category: 'CAO_RELATED',
      status: 'OPEN',
      closedAt: null,
      userName: desk.customer.name,
      userEmail: desk.customer.email,
      unreadCount: 0,
      tenant: { name: 'Acme' },
    });
    expect(created.ticketNumber).toBeGreaterThanOrEqual(1000);
    expect(created.replies).toEqual([
      expect.objectContaining({ message: 'How many leave days?', isAdmin: false, senderName: desk.customer.name }),
    ]);
    expect(created.createdAt).toBe(created.updatedAt);
    // The Lex team has one customer message to read.
    expect((await desk.ticket(desk.admin.token, created.id))!.unreadCount).toBe(1);
    expect(await desk.stats(desk.admin.token)).toMatchObject({ open: 1, total: 1 });

    // Rules 4 and 5: a superadmin reply answers the ticket and moves updated_at.
    const answer = await desk.reply(desk.admin.token, created.id, 'Twenty-five days.');
    expect(answer).toMatchObject({ isAdmin: true, senderName: desk.admin.name, ticket: { status: 'ANSWERED' } });
    let seen = (await desk.ticket(desk.customer.token, created.id))!;
    expect(seen.status).toBe('ANSWERED');
    expect(later(seen.updatedAt, answer.createdAt)).toBe(true);
    expect(seen.unreadCount).toBe(1);
    expect(await desk.unread(desk.customer.token)).toBe(1);
    expect((await desk.ticket(desk.admin.token, created.id))!.unreadCount).toBe(0);

    // Opening the ticket marks it read.
    expect((await desk.markRead(desk.customer.token, created.id)).unreadCount).toBe(0);
    expect(await desk.unread(desk.customer.token)).toBe(0);

    // Rule 6: a customer reply to an answered ticket moves it back to open.
    const followUp = await desk.reply(desk.customer.token, created.id, 'Including holidays?');
    expect(followUp.ticket.status).toBe('OPEN');
    seen = (await desk.ticket(desk.admin.token, created.id))!;
    expect(seen.unreadCount).toBe(1);
    expect(seen.replies.map((r) => r.message)).toEqual(['How many leave days?', 'Twenty-five days.', 'Including holidays?']);
    expect(seen.lastReply!.message).toBe('Including holidays?');

    // Rule 7: the customer closes it; closing again is a no-op.
    const closed = await desk.close(desk.customer.token, created.id);
    expect(closed.status).toBe('CLOSED');
    expect(closed.closedAt).not.toBeNull();
    expect(later(closed.updatedAt, seen.updatedAt)).toBe(true);
    const again = await desk.close(desk.customer.token, created.id);
    expect(again).toMatchObject({ status: 'CLOSED', closedAt: closed.closedAt, updatedAt: closed.updatedAt });
    expect(await desk.stats(desk.admin.token)).toMatchObject({ open: 0, closed: 1, total: 1 });
  });

  it('reopens a closed ticket on a reply: customer → open, superadmin → answered, closed_at cleared', async () => {
    const ticket = await desk.createTicket(desk.customer.token);
    await desk.close(desk.admin.token, ticket.id);
    await desk.reply(desk.customer.token, ticket.id, 'It happened again');
    expect(await desk.ticket(desk.customer.token, ticket.id)).toMatchObject({ status: 'OPEN', closedAt: null });

    await desk.close(desk.customer.token, ticket.id);
    await desk.reply(desk.admin.token, ticket.id, 'Reopening with an answer');
    expect(await desk.ticket(desk.customer.token, ticket.id)).toMatchObject({ status: 'ANSWERED', closedAt: null });
  });

  it('gives the superadmin Mark In Progress, Mark Resolved and Reopen', async () => {
    const ticket = await desk.createTicket(desk.customer.token);
    const inProgress = await desk.setStatus(desk.admin.token, ticket.id, 'IN_PROGRESS');
    expect(inProgress.status).toBe('IN_PROGRESS');
    expect(later(inProgress.updatedAt, ticket.updatedAt)).toBe(true);
    // A customer reply leaves a ticket in progress: the team is already on it.
    await desk.reply(desk.customer.token, ticket.id, 'More details');
    expect((await desk.ticket(desk.admin.token, ticket.id))!.status).toBe('IN_PROGRESS');

    const resolved = await desk.setStatus(desk.admin.token, ticket.id, 'CLOSED');
    expect(resolved).toMatchObject({ status: 'CLOSED' });
    expect(resolved.closedAt).not.toBeNull();
    expect(await desk.setStatus(desk.admin.token, ticket.id, 'OPEN')).toMatchObject({ status: 'OPEN', closedAt: null });

    // Reopen applies to closed tickets only; ANSWERED comes from replying.
    await desk.setStatus(desk.admin.token, ticket.id, 'IN_PROGRESS');
    for (const status of ['OPEN', 'ANSWERED']) {
      const result = await desk.raw(
        `mutation ($id: ID!, $s: TicketStatus!) { setTicketStatus(id: $id, status: $s) { status } }`,
        { id: ticket.id, s: status },
        desk.admin.token,
      );
      expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
    }
    expect((await desk.ticket(desk.admin.token, ticket.id))!.status).toBe('IN_PROGRESS');
  });

  it('leaves updated_at alone when nothing changes', async () => {
    const ticket = await desk.createTicket(desk.customer.token);
    const inProgress = await desk.setStatus(desk.admin.token, ticket.id, 'IN_PROGRESS');
    const same = await desk.setStatus(desk.admin.token, ticket.id, 'IN_PROGRESS');
    expect(same.updatedAt).toBe(inProgress.updatedAt);
    const read = await desk.markRead(desk.admin.token, ticket.id);
    expect(read.updatedAt).toBe(inProgress.updatedAt);
  });
});

describe('lists, filters, search and pagination', () => {
  let other: SignedIn;
  beforeAll(async () => {
    other = await signedInUser(desk.server, 'customer', 'Globex Corporation');
    await desk.createTicket(other.token, { subject: 'Invoice for October is wrong', category: 'BILLING' });
    await desk.createTicket(other.token, { subject: 'What does 100%_off mean?', category: 'OTHER' });
  });

  it('lists a customer only their own tickets, newest activity first, with status filter', async () => {
    const mine = await desk.myTickets(other.token);
    expect(mine.totalCount).toBe(2);
    expect(mine.nodes.map((t: { ticketNumber: number }) => t.ticketNumber)).toEqual(
      [...mine.nodes.map((t: { ticketNumber: number }) => t.ticketNumber)].sort((a, b) => b - a),
    );
    const [first] = mine.nodes;
    await desk.setStatus(desk.admin.token, mine.nodes[1].id, 'IN_PROGRESS');
    const afterChange = await desk.myTickets(other.token);
    expect(afterChange.nodes[0].id).not.toBe(first.id);
    expect((await desk.myTickets(other.token, { status: 'IN_PROGRESS' })).nodes).toHaveLength(1);
    // A superadmin has no tickets of their own.
    expect((await desk.myTickets(desk.admin.token)).totalCount).toBe(0);
  });

  it('filters and searches the dashboard by status, category, number, subject, customer and company', async () => {
    const all = await desk.supportTickets(desk.admin.token);
    const invoice = all.nodes.find((t) => t.subject.startsWith('Invoice'))!;
    const search = async (text: string) =>
      (await desk.supportTickets(desk.admin.token, { filter: { search: text } })).nodes.map((t: { subject: string }) => t.subject);

    expect((await desk.supportTickets(desk.admin.token, { filter: { category: 'BILLING' } })).nodes).toHaveLength(1);
    expect(await search(`#${invoice.ticketNumber}`)).toEqual(['Invoice for October is wrong']);
    expect(await search(String(invoice.ticketNumber))).toEqual(['Invoice for October is wrong']);
    expect(await search('october')).toEqual(['Invoice for October is wrong']);
    expect(await search('globex')).toHaveLength(2);
    expect(await search(other.name.toLowerCase())).toHaveLength(2);
    expect(await search(other.email)).toHaveLength(2);
    // Words, not patterns: LIKE's wildcards are no words (tests/server/search.test.ts has the rest).
    expect(await search('100%_')).toEqual(['What does 100%_off mean?']);
    expect(await search('%')).toEqual([]);
    const statusAndCategory = await desk.supportTickets(desk.admin.token, { filter: { status: 'OPEN', category: 'OTHER' } });
    expect(statusAndCategory.nodes.map((t: { subject: string }) => t.subject)).toEqual(['What does 100%_off mean?']);
  });

  it('pages by cursor without gaps or repeats', async () => {
    const everything = await desk.supportTickets(desk.admin.token, { first: 100 });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { nodes: { id: string }[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } } =
        await desk.supportTickets(desk.admin.token, { first: 2, after });
      expect(page.totalCount).toBe(everything.totalCount);
      seen.push(...page.nodes.map((t) => t.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(everything.nodes.map((t: { id: string }) => t.id));
    expect(new Set(seen).size).toBe(everything.totalCount);
  });
});
