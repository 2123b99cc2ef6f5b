// supportReport (docs/architecture.md §11): the figures of a hand-computed fixture of 20 tickets, the
// roll-ups against a recomputation from the tickets after random concurrent writes, bad input, and
// who may ask.
import { createHash } from 'node:crypto';
import { withViewer } from '../../server/db/viewer-transaction';
import { signedInUser, SignedIn } from '../helpers/accounts';
import { graphql, ok } from '../helpers/graphql';
import { reportOps, type SupportReport, type TicketCategory } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';

jest.setTimeout(120_000);
// The default business hours: Mon-Fri 09:00-17:00 Europe/Amsterdam, so days are Amsterdam's (UTC+1 in March 2026).
const desk = useDesk();

const MINUTE = 60_000;
const STORED: Record<TicketCategory, string> = {
  TECHNICAL: 'Technical',
  BILLING: 'Billing',
  LEX_QUESTION: 'Lex Question',
  CAO_RELATED: 'CAO-related',
  OTHER: 'Other',
};

/** A ticket of the fixture: times in UTC, durations in minutes after its creation; due 8 hours after it. */
interface FixtureTicket {
  created: string;
  category: TicketCategory;
  assignee: 'anna' | 'kees' | null;
  firstResponse?: number;
  closed?: number;
  rating?: [score: number, at: string];
}

// Amsterdam days 2026-03-09 (Monday) to 2026-03-15 are the report's; #4, #18 and #19 are opened, and
// #3, #19 and #20 answered, on the other side of a local midnight than of UTC's.
const FIXTURE: FixtureTicket[] = [
  {
    created: '2026-03-09T08:00Z',
    category: 'TECHNICAL',
    assignee: 'anna',
    firstResponse: 10,
    closed: 120,
    rating: [5, '2026-03-09T12:00Z'],
  }, // 1
  { created: '2026-03-09T09:00Z', category: 'TECHNICAL', assignee: 'anna', firstResponse: 30 }, // 2
  { created: '2026-03-09T22:30Z', category: 'BILLING', assignee: 'kees', firstResponse: 90, closed: 690, rating: [4, '2026-03-10T12:00Z'] }, // 3
  { created: '2026-03-09T23:15Z', category: 'LEX_QUESTION', assignee: 'anna', firstResponse: 600 }, // 4: 00:15 on the 10th, answered late
  {
    created: '2026-03-10T07:00Z',
    category: 'CAO_RELATED',
    assignee: 'kees',
    firstResponse: 45,
    closed: 300,
    rating: [3, '2026-03-10T13:00Z'],
  }, // 5
  { created: '2026-03-10T10:00Z', category: 'TECHNICAL', assignee: null, closed: 60 }, // 6: closed unanswered in time
  { created: '2026-03-10T11:00Z', category: 'OTHER', assignee: null, closed: 600 }, // 7: closed unanswered after the due time
  { created: '2026-03-11T08:00Z', category: 'BILLING', assignee: 'anna', firstResponse: 5, closed: 1440, rating: [2, '2026-03-12T09:00Z'] }, // 8
  { created: '2026-03-11T09:00Z', category: 'TECHNICAL', assignee: 'kees', firstResponse: 240 }, // 9
  {
    created: '2026-03-11T13:00Z',
    category: 'LEX_QUESTION',
    assignee: 'anna',
    firstResponse: 20,
    closed: 2880,
    rating: [5, '2026-03-13T14:00Z'],
  }, // 10
  { created: '2026-03-11T16:00Z', category: 'TECHNICAL', assignee: 'anna', firstResponse: 1000 }, // 11: answered late, on the 12th
  {
    created: '2026-03-12T08:30Z',
    category: 'CAO_RELATED',
    assignee: 'kees',
    firstResponse: 15,
    closed: 60,
    rating: [4, '2026-03-12T10:00Z'],
  }, // 12
  { created: '2026-03-12T09:00Z', category: 'TECHNICAL', assignee: null }, // 13: still waiting, overdue since the 12th
  {
    created: '2026-03-12T14:00Z',
    category: 'BILLING',
    assignee: 'anna',
    firstResponse: 75,
    closed: 4320,
    rating: [1, '2026-03-15T15:00Z'],
  }, // 14
  { created: '2026-03-13T08:00Z', category: 'TECHNICAL', assignee: 'kees', firstResponse: 2, closed: 30, rating: [5, '2026-03-13T09:00Z'] }, // 15
  { created: '2026-03-13T10:00Z', category: 'OTHER', assignee: 'anna', firstResponse: 180 }, // 16
  { created: '2026-03-14T09:00Z', category: 'LEX_QUESTION', assignee: null }, // 17: still waiting, overdue since the 14th
  {
    created: '2026-03-14T23:30Z',
    category: 'TECHNICAL',
    assignee: 'kees',
    firstResponse: 50,
    closed: 100,
    rating: [1, '2026-03-16T08:00Z'],
  }, // 18: rated after the range
  { created: '2026-03-15T22:45Z', category: 'CAO_RELATED', assignee: 'anna', firstResponse: 20 }, // 19: answered on the 16th
  {
    created: '2026-03-08T22:00Z',
    category: 'TECHNICAL',
    assignee: 'anna',
    firstResponse: 130,
    closed: 240,
    rating: [3, '2026-03-09T10:00Z'],
  }, // 20: opened the day before
];

let anna: SignedIn;
let kees: SignedIn;

/** Stores the fixture as the desk's own writes would leave it (the triggers keep the roll-ups as it goes). */
async function storeFixture() {
  await desk.server.sql('TRUNCATE support_tickets CASCADE');
  for (const ticket of FIXTURE) {
    const { id } = await desk.createTicket(desk.customer.token);
    const created = Date.parse(ticket.created);
    const at = (minutes?: number) => (minutes === undefined ? null : new Date(created + minutes * MINUTE));
    await desk.server.sql(
      `UPDATE support_tickets SET created_at = $2, updated_at = $2, first_response_at = $3, closed_at = $4, first_response_due_at = $5,
              status = CASE WHEN $4::timestamptz IS NOT NULL THEN 'closed' WHEN $3::timestamptz IS NOT NULL THEN 'answered' ELSE 'open' END,
              category = $6, assignee_id = $7
        WHERE id = $1`,
      [
        id,
        new Date(created),
        at(ticket.firstResponse),
        at(ticket.closed),
        at(8 * 60),
        STORED[ticket.category],
        ticket.assignee && { anna, kees }[ticket.assignee].id,
      ],
    );
    if (ticket.rating) {
      await desk.server.sql(`INSERT INTO ticket_ratings (ticket_id, closed_at, user_id, score, created_at) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        at(ticket.closed),
        desk.customer.id,
        ticket.rating[0],
        ticket.rating[1],
      ]);
    }
  }
}

const report = async (from: string, to: string, token = desk.admin.token) =>
  (await ok(desk.server, reportOps.report, { from, to }, token)).supportReport;

/** A percentile read from a histogram: within 5 % of the exact value (docs §11). */
const within5 = (actual: number | null, exact: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - exact) / exact).toBeLessThanOrEqual(0.05);
};

describe('the figures of 20 tickets, computed by hand', () => {
  let fixture: SupportReport;
  beforeAll(async () => {
    anna = await signedInUser(desk.server, 'superadmin');
    kees = await signedInUser(desk.server, 'superadmin');
    await storeFixture();
    // Any time on the first and the last day: noon UTC is the same date in Amsterdam.
    fixture = await report('2026-03-09T12:00:00Z', '2026-03-15T12:00:00Z');
  });

  it('covers the local days of from and to', () => {
    expect(fixture).toMatchObject({ from: '2026-03-09', to: '2026-03-15', timeZone: 'Europe/Amsterdam', complete: true });
  });

  it('counts tickets created and closed on their local days', () => {
    expect(fixture.byDay.map(({ date, created, closed }) => [date, created, closed])).toEqual([
      ['2026-03-09', 3, 2], // #1 #2 #3 (22:30 UTC is 23:30 local); #1 and #20 closed
      ['2026-03-10', 4, 4], // #4 (23:15 UTC on the 9th) #5 #6 #7; #3 #5 #6 #7 closed
      ['2026-03-11', 4, 0], // #8 #9 #10 #11
      ['2026-03-12', 3, 2], // #12 #13 #14; #8 #12 closed
      ['2026-03-13', 2, 2], // #15 #16; #10 #15 closed
      ['2026-03-14', 1, 0], // #17 (#18 is 00:30 on the 15th)
      ['2026-03-15', 2, 2], // #18 #19; #14 #18 closed
    ]);
    expect(fixture.created).toBe(19); // not #20, opened on the 8th
    expect(fixture.closed).toBe(12);
  });

  it('reads first-response and resolution times from the histograms, within 5 %', () => {
    // 15 first responses in the range (not #19's, on the 16th; #20's on the 9th):
    // 2 5 10 15 20 30 45 [50] 75 90 130 180 240 [600] 1000 minutes.
    expect(fixture.firstResponses).toBe(15);
    within5(fixture.firstResponseMedianMinutes, 50); // the 8th of 15
    within5(fixture.firstResponseP90Minutes, 600); // the 14th (⌈0.9 × 15⌉)
    // 12 closes: 30 60 60 100 120 [240] 300 600 690 1440 2880 4320 minutes; the 6th is 4 hours.
    within5(fixture.resolutionMedianHours, 4);
    // The 10th: 45 [90] 600 minutes; the 14th had none.
    const day = (date: string) => fixture.byDay.find((d) => d.date === date)!;
    within5(day('2026-03-10').firstResponseMedianMinutes, 90);
    within5(day('2026-03-10').firstResponseP90Minutes, 600);
    expect(day('2026-03-14').firstResponseMedianMinutes).toBeNull();
  });

  it('judges the service level where its clock stopped, and counts tickets still waiting past their due time as missed', () => {
    // 15 first responses (#4 and #11 late), #6 and #7 closed unanswered (#7 late), #13 and #17 overdue: 14 of 19 met.
    expect(fixture.slaMetPercent).toBe(73.7);
  });

  it('averages the ratings given in the range', () => {
    // #1 5, #3 4, #5 3, #8 2, #10 5, #12 4, #14 1, #15 5, #20 3 (not #18's, given on the 16th).
    expect(fixture.ratings).toBe(9);
    expect(fixture.averageRating).toBe(3.56);
  });

  it('breaks the figures down by category', () => {
    const figures = (category: TicketCategory) => fixture.byCategory.find((c) => c.category === category);
    expect(figures('TECHNICAL')).toEqual({
      category: 'TECHNICAL',
      created: 8,
      closed: 5,
      firstResponses: 7,
      slaMetPercent: 77.8, // 6 of 7 responses, #6, and the overdue #13: 7 of 9
      averageRating: 4.33,
      ratings: 3,
    });
    expect(figures('BILLING')).toEqual({
      category: 'BILLING',
      created: 3,
      closed: 3,
      firstResponses: 3,
      slaMetPercent: 100,
      averageRating: 2.33,
      ratings: 3,
    });
    expect(figures('LEX_QUESTION')).toMatchObject({
      created: 3,
      closed: 1,
      firstResponses: 2,
      slaMetPercent: 33.3,
      averageRating: 5,
      ratings: 1,
    });
    expect(figures('CAO_RELATED')).toMatchObject({
      created: 3,
      closed: 2,
      firstResponses: 2,
      slaMetPercent: 100,
      averageRating: 3.5,
      ratings: 2,
    });
    expect(figures('OTHER')).toMatchObject({
      created: 2,
      closed: 1,
      firstResponses: 1,
      slaMetPercent: 50,
      averageRating: null,
      ratings: 0,
    });
    expect(fixture.byCategory.map((c) => c.category)).toEqual(['TECHNICAL', 'BILLING', 'CAO_RELATED', 'LEX_QUESTION', 'OTHER']);
  });

  it('breaks the figures down by assignee, the unassigned tickets apart', () => {
    const figures = (who: SignedIn | null) => {
      const { assignee, ...rest } = fixture.byAssignee.find((a) => (a.assignee?.id ?? null) === (who?.id ?? null))!;
      expect(assignee?.name ?? null).toBe(who?.name ?? null);
      return rest;
    };
    expect(figures(anna)).toEqual({ created: 9, closed: 5, firstResponses: 9, slaMetPercent: 77.8, averageRating: 3.2, ratings: 5 });
    expect(figures(kees)).toEqual({ created: 6, closed: 5, firstResponses: 6, slaMetPercent: 100, averageRating: 4, ratings: 4 });
    expect(figures(null)).toEqual({ created: 4, closed: 2, firstResponses: 0, slaMetPercent: 25, averageRating: null, ratings: 0 });
  });

  it('moves a ticket’s figures and ratings along when it is reassigned', async () => {
    // #3 (Kees: opened the 9th, answered and closed the 10th, rated 4) to Anna.
    await desk.server.sql(`UPDATE support_tickets SET assignee_id = $1 WHERE created_at = '2026-03-09T22:30Z'`, [anna.id]);
    const moved = await report('2026-03-09T12:00:00Z', '2026-03-15T12:00:00Z');
    const of = (who: SignedIn) => moved.byAssignee.find((a) => a.assignee?.id === who.id)!;
    expect(of(anna)).toMatchObject({ created: 10, closed: 6, firstResponses: 10, ratings: 6, averageRating: 3.33 });
    expect(of(kees)).toMatchObject({ created: 5, closed: 4, firstResponses: 5, ratings: 3, averageRating: 4 });
    expect(moved.averageRating).toBe(fixture.averageRating);
  });

  it('has every day of a range without tickets, and no figures', async () => {
    const empty = await report('2025-01-01T12:00:00Z', '2025-01-03T12:00:00Z');
    expect(empty).toMatchObject({
      created: 0,
      closed: 0,
      firstResponses: 0,
      ratings: 0,
      slaMetPercent: null,
      averageRating: null,
      firstResponseMedianMinutes: null,
      firstResponseP90Minutes: null,
      resolutionMedianHours: null,
      byCategory: [],
      byAssignee: [],
    });
    expect(empty.byDay.map((d) => d.date)).toEqual(['2025-01-01', '2025-01-02', '2025-01-03']);
  });
});

describe('bad input and who may ask', () => {
  const errorOf = async (from: unknown, to: unknown, token = desk.admin.token) =>
    (await graphql(desk.server, reportOps.report, { from, to }, token)).errors?.[0];

  it.each<[string, unknown, unknown, string]>([
    ['from after to', '2026-03-10T00:00:00Z', '2026-03-09T00:00:00Z', 'to'],
    ['twenty years', '2006-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'to'],
    ['one day over the limit', '2025-01-01T12:00:00Z', '2026-02-05T12:00:00Z', 'to'],
  ])('refuses %s, naming the field', async (_name, from, to, field) => {
    const error = await errorOf(from, to);
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it.each([
    ['from', 'yesterday', '2026-03-09T00:00:00Z'],
    ['to', '2026-03-09T00:00:00Z', '2026-02-30T00:00:00Z'],
  ])('refuses an invalid %s, naming it', async (field, from, to) => {
    const error = await errorOf(from, to);
    expect(error?.message).toContain(`$${field}`);
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('takes a year (and the leap day)', async () => {
    const year = await report('2027-03-01T12:00:00Z', '2028-03-01T12:00:00Z');
    expect(year.byDay).toHaveLength(367);
  });

  it('is the Lex team’s: a customer gets FORBIDDEN, a stranger UNAUTHENTICATED', async () => {
    expect((await errorOf('2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z', desk.customer.token))?.extensions?.code).toBe('FORBIDDEN');
    expect((await errorOf('2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z', ''))?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps the roll-ups from customers’ own SQL too (row-level security)', async () => {
    const count = (user: SignedIn) =>
      withViewer(desk.server.db, { sessionKey: createHash('sha256').update(user.token).digest('hex') }, (manager) =>
        manager.query(
          `SELECT (SELECT count(*) FROM support_report_days)::int AS days, (SELECT count(*) FROM support_report_histograms)::int AS histograms`,
        ),
      );
    expect((await count(desk.admin))[0].days).toBeGreaterThan(0);
    expect(await count(desk.customer)).toEqual([{ days: 0, histograms: 0 }]);
  });
});
