import { DataSource } from 'typeorm';
import { Viewer, isSuperadmin } from '../auth/viewer';
import { readAsViewer } from '../db/viewer-transaction';
import { badInput, forbidden } from '../errors';
import { TicketCategory } from '../support/ticket-status';
import { TeamMembers } from '../team/team-members';
import { addInto, noCounts, percentile } from './histogram';
import { ReportDay, ReportFigures, SupportReport } from './report.types';

/** The longest report: a little over a year, so that a year back from any day fits; reads stay ≤ 400 days of rows. */
export const MAX_REPORT_DAYS = 400;
const DAY = 86_400_000;

/** The counters of the roll-up rows of a day, a category or an assignee. */
export interface RollupSums {
  created: number;
  closed: number;
  responded: number;
  slaJudged: number;
  slaMet: number;
  ratings: number;
  ratingSum: number;
}

/** Tickets still waiting for their first response past a due time in the range: missed, counted live. */
export interface Overdue {
  category: TicketCategory;
  assigneeId: string | null;
  tickets: number;
}

export interface ReportInput {
  from: string;
  to: string;
  timeZone: string;
  complete: boolean;
  total: RollupSums;
  days: Map<string, RollupSums>;
  categories: Map<TicketCategory, RollupSums>;
  assignees: Map<string | null, RollupSums>;
  /** Per local date, each measure's bucket counts. */
  histograms: { date: string; measure: 'first_response' | 'resolution'; counts: number[] }[];
  overdue: Overdue[];
}

const EMPTY: RollupSums = { created: 0, closed: 0, responded: 0, slaJudged: 0, slaMet: 0, ratings: 0, ratingSum: 0 };
const round = (value: number | null, digits = 1) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** A category's or assignee's (or everyone's) figures, with the live misses among the verdicts. */
export function figuresOf(sums: RollupSums, overdue: number): ReportFigures {
  const judged = sums.slaJudged + overdue;
  return {
    created: sums.created,
    closed: sums.closed,
    firstResponses: sums.responded,
    slaMetPercent: judged ? round((100 * sums.slaMet) / judged) : null,
    averageRating: sums.ratings ? round(sums.ratingSum / sums.ratings, 2) : null,
    ratings: sums.ratings,
  };
}

/** The local date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format)
    dateFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(instant);
}
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY)
    dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

/** The report from the range's roll-up sums, histograms and live misses (pure). */
export function assembleReport(
  input: ReportInput,
): Omit<SupportReport, 'byAssignee'> & { byAssignee: (ReportFigures & { assigneeId: string | null })[] } {
  const sum = (keyOf: (o: Overdue) => boolean) => input.overdue.filter(keyOf).reduce((n, o) => n + o.tickets, 0);
  const firstResponse = noCounts();
  const resolution = noCounts();
  const dayFirstResponse = new Map<string, number[]>();
  for (const { date, measure, counts } of input.histograms) {
    addInto(measure === 'first_response' ? firstResponse : resolution, counts);
    if (measure === 'first_response') dayFirstResponse.set(date, addInto(dayFirstResponse.get(date) ?? noCounts(), counts));
  }
  const byDay: ReportDay[] = datesBetween(input.from, input.to).map((date) => {
    const sums = input.days.get(date) ?? EMPTY;
    const counts = dayFirstResponse.get(date) ?? [];
    return {
      date,
      created: sums.created,
      closed: sums.closed,
      firstResponseMedianMinutes: round(percentile(counts, 0.5)),
      firstResponseP90Minutes: round(percentile(counts, 0.9)),
    };
  });
  const resolutionMedianMinutes = percentile(resolution, 0.5);
  return {
    from: input.from,
    to: input.to,
    timeZone: input.timeZone,
    complete: input.complete,
    ...figuresOf(
      input.total,
      sum(() => true),
    ),
    firstResponseMedianMinutes: round(percentile(firstResponse, 0.5)),
    firstResponseP90Minutes: round(percentile(firstResponse, 0.9)),
    resolutionMedianHours: resolutionMedianMinutes === null ? null : round(resolutionMedianMinutes / 60),
    byDay,
    byCategory: [
      ...withOverdue(
        input.categories,
        input.overdue.map((o) => o.category),
      ),
    ]
      .map((category) => ({
        category,
        ...figuresOf(
          input.categories.get(category) ?? EMPTY,
          sum((o) => o.category === category),
        ),
      }))
      .sort((a, b) => b.created - a.created || a.category.localeCompare(b.category)),
    byAssignee: [
      ...withOverdue(
        input.assignees,
        input.overdue.map((o) => o.assigneeId),
      ),
    ]
      .map((assigneeId) => ({
        assigneeId,
        ...figuresOf(
          input.assignees.get(assigneeId) ?? EMPTY,
          sum((o) => o.assigneeId === assigneeId),
        ),
      }))
      .sort((a, b) => b.closed - a.closed || b.created - a.created),
  };
}

/** The groups with roll-up rows, and those that only have live misses. */
const withOverdue = <K>(groups: Map<K, RollupSums>, overdue: K[]) => new Set([...groups.keys(), ...overdue]);

const SUMS = Object.entries({
  created: 'created',
  closed: 'closed',
  responded: 'responded',
  slaJudged: 'sla_judged',
  slaMet: 'sla_met',
  ratings: 'ratings',
  ratingSum: 'rating_sum',
})
  .map(([field, column]) => `coalesce(sum(${column}), 0)::int AS "${field}"`)
  .join(', ');

/** supportReport (docs/architecture.md §11): the Lex team's figures over a range of local days, from the daily roll-ups. */
export class SupportReports {
  constructor(
    private readonly db: DataSource,
    private readonly team: TeamMembers,
    /** The business hours' time zone, in which the roll-ups' days are counted. */
    private readonly timeZone: string,
  ) {}

  async report(viewer: Viewer, from: Date, to: Date): Promise<SupportReport> {
    if (!isSuperadmin(viewer)) throw forbidden();
    for (const [field, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput(field, `${field} must be a date and time`);
    }
    if (from > to) throw badInput('to', 'to must not be before from');
    const [first, last] = [localDate(from, this.timeZone), localDate(to, this.timeZone)];
    const days = (Date.parse(last) - Date.parse(first)) / DAY + 1;
    if (days > MAX_REPORT_DAYS) throw badInput('to', `A report covers at most ${MAX_REPORT_DAYS} days; from and to span ${days}`);

    const read = await readAsViewer(this.db, viewer, async (manager) => {
      // One connection: the statements go one after another.
      const [groups, histograms, overdue, [state]] = [
        // Days, categories, assignees and the total in one pass over the range's rows (≤ days × groups × shards).
        await manager.query(
          `SELECT grouping(day, category, assignee_id) AS g, day::text AS date, category, assignee_id AS "assigneeId", ${SUMS}
             FROM support_report_days WHERE day BETWEEN $1 AND $2
            GROUP BY GROUPING SETS ((day), (category), (assignee_id), ())`,
          [first, last],
        ),
        // As text: pg's array parser took most of a year's report time (a CPU profile).
        await manager.query(
          `SELECT day::text AS date, measure, array_to_string(counts, ',') AS counts FROM support_report_histograms WHERE day BETWEEN $1 AND $2`,
          [first, last],
        ),
        // Open tickets past a due time in the range without a first response (support_tickets_awaiting_response_idx).
        await manager.query(
          `SELECT category, assignee_id AS "assigneeId", count(*)::int AS tickets FROM support_tickets
            WHERE first_response_at IS NULL AND closed_at IS NULL
              AND first_response_due_at >= ($1::date)::timestamp AT TIME ZONE $3
              AND first_response_due_at < least((($2::date + 1)::timestamp AT TIME ZONE $3), now())
            GROUP BY category, assignee_id`,
          [first, last, this.timeZone],
        ),
        await manager.query(`SELECT time_zone = $1 AND backfilled_to >= live_from AS complete FROM support_report_state`, [this.timeZone]),
      ];
      return { groups, histograms, overdue, complete: Boolean(state?.complete) };
    });

    const input: ReportInput = {
      from: first,
      to: last,
      timeZone: this.timeZone,
      complete: read.complete,
      total: EMPTY,
      days: new Map(),
      categories: new Map(),
      assignees: new Map(),
      histograms: read.histograms.map((h: { date: string; measure: 'first_response' | 'resolution'; counts: string }) => ({
        ...h,
        counts: h.counts.split(',').map(Number),
      })),
      overdue: read.overdue,
    };
    // grouping(day, category, assignee_id): a bit per column left out of the set.
    for (const { g, date, category, assigneeId, ...sums } of read.groups) {
      if (g === 0b011) input.days.set(date, sums);
      else if (g === 0b101) input.categories.set(category, sums);
      else if (g === 0b110) input.assignees.set(assigneeId, sums);
      else input.total = sums;
    }
    const report = assembleReport(input);
    const ids = report.byAssignee.flatMap((a) => (a.assigneeId ? [a.assigneeId] : []));
    const members = ids.length ? await this.team.byIds(ids) : [];
    return {
      ...report,
      byAssignee: report.byAssignee.map(({ assigneeId, ...figures }) => ({
        ...figures,
        assignee: members.find((m) => m.id === assigneeId) ?? null,
      })),
    };
  }
}
