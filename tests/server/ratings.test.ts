// Satisfaction ratings (docs/architecture.md §10): the owner of a closed ticket rates that close once,
// 1 to 5 with an optional comment; anything else is refused naming the field and changes nothing; the
// rule lives in the service and in row-level security underneath.
import { createHash } from 'node:crypto';
import { withViewer } from '../../server/db/viewer-transaction';
import { requireComment, requireScore } from '../../server/rating/rating-input';
import { SignedIn, signedInUser } from '../helpers/accounts';
import { graphql, ok, subscribe, wsClient } from '../helpers/graphql';
import { lifecycleOps, ratingOps } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';
import { watchStreams } from './live-helpers';
import { topics } from '../../server/realtime/topics';
import { SqlCapture } from '../../bench/sql-capture';

jest.setTimeout(30_000);
const desk = useDesk();
let tenantMate: SignedIn;
let streams: ReturnType<typeof watchStreams>;
beforeAll(async () => {
  tenantMate = await signedInUser(desk.server, 'customer', 'Acme');
  streams = watchStreams(desk.server);
});

/** A ticket of the customer, answered and closed by the team. */
async function closedTicket(owner = desk.customer) {
  const ticket = await desk.createTicket(owner.token, { subject: 'Payslip totals', message: 'The totals look wrong.' });
  await desk.reply(desk.admin.token, ticket.id, 'Fixed in the June run.');
  await desk.setStatus(desk.admin.token, ticket.id, 'CLOSED');
  return ticket;
}
const rate = (user: SignedIn, id: string, score: unknown, comment?: string | null) =>
  graphql(desk.server, ratingOps.rateTicket, { id, score: score as number, comment }, user.token);
const ratingOf = async (user: SignedIn, id: string) => (await ok(desk.server, ratingOps.ticket, { id }, user.token)).supportTicket?.rating;
/** What a refused rating may not have changed: the stored ratings and the timeline of the ticket. */
const stored = async (ticketId: string) => ({
  ratings: await desk.server.sql(`SELECT score, comment FROM ticket_ratings WHERE ticket_id = $1 ORDER BY created_at`, [ticketId]),
  events: (await desk.server.sql(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1`, [ticketId]))[0].n,
  updatedAt: (await desk.server.sql(`SELECT updated_at FROM support_tickets WHERE id = $1`, [ticketId]))[0].updated_at,
});

describe('the input rules', () => {
  it.each([[1], [3], [5]])('take the score %d', (score) => expect(requireScore(score)).toBe(score));
  it.each([[0], [6], [2.5], [-1], [Number.NaN], ['4'], [null]])('refuse the score %p, naming score', (score) => {
    expect(() => requireScore(score)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'score' } }));
  });
  it.each([
    ['none', undefined, null],
    ['null', null, null],
    ['empty', '', null],
    ['blank', '   \n ', null],
    ['padded', '  Quick and clear \n', 'Quick and clear'],
    ['2,000 characters', 'x'.repeat(2000), 'x'.repeat(2000)],
    ['2,000 characters padded', ` ${'x'.repeat(2000)} `, 'x'.repeat(2000)],
  ])('read a comment (%s) trimmed, blank as none', (_case, comment, expected) => expect(requireComment(comment)).toBe(expected));
  it.each([
    ['2,001 characters', 'x'.repeat(2001)],
    ['NUL', 'a\0b'],
  ])('refuse a comment of %s, naming comment', (_case, comment) => {
    expect(() => requireComment(comment)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'comment' } }));
  });
});

describe('rateTicket', () => {
  it('stores the rating of the close with a RATED line; the owner and the team read it, the ticket does not move', async () => {
    const ticket = await closedTicket();
    const before = await stored(ticket.id);
    const rated = await ok(
      desk.server,
      ratingOps.rateTicket,
      { id: ticket.id, score: 4, comment: '  Quick and clear  ' },
      desk.customer.token,
    );
    expect(rated.rateTicket).toMatchObject({ id: ticket.id, status: 'CLOSED', rating: { score: 4, comment: 'Quick and clear' } });
    expect(await ratingOf(desk.admin, ticket.id)).toEqual(rated.rateTicket.rating);
    expect(await ratingOf(desk.customer, ticket.id)).toEqual(rated.rateTicket.rating);
    // Not conversation activity: the lists keep their order (rule 4).
    expect((await stored(ticket.id)).updatedAt).toEqual(before.updatedAt);

    for (const viewer of [desk.admin, desk.customer]) {
      const { events } = (await ok(desk.server, lifecycleOps.ticket, { id: ticket.id }, viewer.token)).supportTicket!;
      expect(events.at(-1)).toMatchObject({ kind: 'RATED', actorRole: 'CUSTOMER', actorName: desk.customer.name });
    }
  });

  it('takes a blank comment as none', async () => {
    const ticket = await closedTicket();
    expect(
      (await ok(desk.server, ratingOps.rateTicket, { id: ticket.id, score: 5, comment: ' \n ' }, desk.customer.token)).rateTicket.rating,
    ).toMatchObject({
      score: 5,
      comment: null,
    });
  });

  it.each<[string, unknown, string | null, string]>([
    ['a score of 0', 0, null, 'score'],
    ['a score of 6', 6, null, 'score'],
    ['a score of 2.5', 2.5, null, 'score'],
    ['a comment over 2,000 characters', 3, 'x'.repeat(2001), 'comment'],
    ['a comment with NUL', 3, 'a\0b', 'comment'],
  ])('refuses %s, naming the field, and changes nothing', async (_case, score, comment, field) => {
    const ticket = await closedTicket();
    const before = await stored(ticket.id);
    const { errors } = await rate(desk.customer, ticket.id, score, comment);
    expect(errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', field]]);
    expect(await stored(ticket.id)).toEqual(before);
  });

  it('refuses an open ticket and a second rating of one close, naming id, and changes nothing', async () => {
    const open = await desk.createTicket(desk.customer.token);
    const refusedOpen = await rate(desk.customer, open.id, 4);
    expect(refusedOpen.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'id']]);
    expect((await stored(open.id)).ratings).toEqual([]);

    const ticket = await closedTicket();
    await ok(desk.server, ratingOps.rateTicket, { id: ticket.id, score: 2 }, desk.customer.token);
    const before = await stored(ticket.id);
    const second = await rate(desk.customer, ticket.id, 5, 'Changed my mind');
    expect(second.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'id']]);
    expect(await stored(ticket.id)).toEqual(before);
  });

  it('keeps one rating of two sent at once', async () => {
    const ticket = await closedTicket();
    const answers = await Promise.all([rate(desk.customer, ticket.id, 1), rate(desk.customer, ticket.id, 5)]);
    expect(answers.filter((a) => !a.errors)).toHaveLength(1);
    expect(answers.flatMap((a) => a.errors ?? []).map((e) => e.extensions?.field)).toEqual(['id']);
    const { ratings } = await stored(ticket.id);
    expect(ratings).toHaveLength(1);
    const events = await desk.server.sql(`SELECT kind FROM ticket_events WHERE ticket_id = $1 AND kind = 'rated'`, [ticket.id]);
    expect(events).toHaveLength(1);
  });

  it("answers another customer's ticket as one that does not exist, and refuses the team", async () => {
    const ticket = await closedTicket();
    const before = await stored(ticket.id);
    const missing = await rate(desk.otherCustomer, '00000000-0000-4000-8000-000000000000', 4);
    for (const stranger of [desk.otherCustomer, tenantMate]) {
      const { errors } = await rate(stranger, ticket.id, 4);
      expect(errors?.map((e) => [e.message, e.extensions?.code])).toEqual(missing.errors?.map((e) => [e.message, e.extensions?.code]));
      expect(await ratingOf(stranger, ticket.id)).toBeUndefined();
    }
    const team = await rate(desk.admin, ticket.id, 4);
    expect(team.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await stored(ticket.id)).toEqual(before);
  });

  it('asks again after a reopen and a new close; the team keeps seeing the latest rating meanwhile', async () => {
    const ticket = await closedTicket();
    await ok(desk.server, ratingOps.rateTicket, { id: ticket.id, score: 2, comment: 'Slow' }, desk.customer.token);
    await desk.reply(desk.customer.token, ticket.id, 'It is wrong again'); // reopens
    expect(await ratingOf(desk.admin, ticket.id)).toMatchObject({ score: 2, comment: 'Slow' });
    expect((await rate(desk.customer, ticket.id, 5)).errors?.[0].extensions?.field).toBe('id');

    await desk.setStatus(desk.admin.token, ticket.id, 'CLOSED');
    expect(await ratingOf(desk.customer, ticket.id)).toBeNull();
    expect(await ratingOf(desk.admin, ticket.id)).toBeNull();
    await ok(desk.server, ratingOps.rateTicket, { id: ticket.id, score: 5 }, desk.customer.token);
    expect(await ratingOf(desk.admin, ticket.id)).toMatchObject({ score: 5, comment: null });
    expect((await stored(ticket.id)).ratings).toEqual([
      { score: 2, comment: 'Slow' },
      { score: 5, comment: null },
    ]);
  });

  it('is heard live by the team on the ticket, with the rating', async () => {
    const ticket = await closedTicket();
    const client = wsClient(desk.server, desk.admin.token);
    try {
      const before = streams.count(topics.ticketForTeam(ticket.id));
      const subscription = subscribe(client, ratingOps.ticketUpdated, { ticketId: ticket.id });
      await streams.until(topics.ticketForTeam(ticket.id), before + 1);
      await ok(desk.server, ratingOps.rateTicket, { id: ticket.id, score: 3, comment: 'Fine' }, desk.customer.token);
      await subscription.waitFor(1);
      expect(subscription.events[0].data?.ticketUpdated).toMatchObject({ id: ticket.id, rating: { score: 3, comment: 'Fine' } });
    } finally {
      await client.dispose();
    }
  });

  it('is read for a list in one batch, whatever the number of tickets, and not at all when not asked for', async () => {
    for (let i = 0; i < 3; i++) await closedTicket();
    const capture = SqlCapture.install(desk.server.db);
    const ratingReads = async (query: string, first: number) => {
      const { statements } = await capture.during(() => ok(desk.server, query, { first }, desk.admin.token));
      return statements.filter((statement) => statement.sql.includes('ticket_ratings')).length;
    };
    expect(await ratingReads(ratingOps.tickets, 2)).toBe(1);
    expect(await ratingReads(ratingOps.tickets, 20)).toBe(1);
    expect(await ratingReads(`query ($first: Int) { supportTickets(first: $first) { nodes { id status } } }`, 20)).toBe(0);
  });
});

describe('row-level security of ticket_ratings (forged SQL on the runtime connection)', () => {
  const as = (user: SignedIn) => ({ sessionKey: createHash('sha256').update(user.token).digest('hex') });
  const forged = <T = any>(user: SignedIn, sql: string, params: unknown[] = []) =>
    withViewer<T>(desk.server.db, as(user), (manager) => manager.query(sql, params));

  it('shows a customer only their own ratings, the team every one', async () => {
    const ticket = await closedTicket();
    await ok(desk.server, ratingOps.rateTicket, { id: ticket.id, score: 4 }, desk.customer.token);
    const count = `SELECT count(*)::int AS n FROM ticket_ratings WHERE ticket_id = $1`;
    expect(await forged(desk.customer, count, [ticket.id])).toEqual([{ n: 1 }]);
    expect(await forged(desk.admin, count, [ticket.id])).toEqual([{ n: 1 }]);
    expect(await forged(desk.otherCustomer, count, [ticket.id])).toEqual([{ n: 0 }]);
    expect(await forged(tenantMate, count, [ticket.id])).toEqual([{ n: 0 }]);
  });

  it('refuses ratings forged for someone else, and any change to a rating', async () => {
    const ticket = await closedTicket();
    await ok(desk.server, ratingOps.rateTicket, { id: ticket.id, score: 4 }, desk.customer.token);
    const [{ closed_at: closedAt }] = await desk.server.sql(`SELECT closed_at FROM support_tickets WHERE id = $1`, [ticket.id]);
    const insert = `INSERT INTO ticket_ratings (ticket_id, closed_at, user_id, score) VALUES ($1, $2, $3, 1)`;
    const earlier = new Date(closedAt.getTime() - 1000);
    // Another customer, on the ticket, as themselves or as its owner; the team, as the owner.
    await expect(forged(desk.otherCustomer, insert, [ticket.id, earlier, desk.otherCustomer.id])).rejects.toThrow(/row-level security/);
    await expect(forged(desk.otherCustomer, insert, [ticket.id, earlier, desk.customer.id])).rejects.toThrow(/row-level security/);
    await expect(forged(desk.admin, insert, [ticket.id, earlier, desk.customer.id])).rejects.toThrow(/row-level security/);
    for (const user of [desk.customer, desk.admin]) {
      await expect(forged(user, `UPDATE ticket_ratings SET score = 5 WHERE ticket_id = $1`, [ticket.id])).rejects.toThrow(
        /permission denied/,
      );
      await expect(forged(user, `DELETE FROM ticket_ratings WHERE ticket_id = $1`, [ticket.id])).rejects.toThrow(/permission denied/);
    }
    expect((await stored(ticket.id)).ratings).toEqual([{ score: 4, comment: null }]);
  });
});
