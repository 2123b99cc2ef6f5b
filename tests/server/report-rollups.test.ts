// The report roll-ups (docs/architecture.md §11) equal a recomputation from the tickets and ratings,
// written here apart from the triggers' SQL: after a random sequence of concurrent writes through the
// desk and past it, during a backfill racing the desk, and after the compaction of writers' shards.
import { SignedIn, signedInUser } from '../helpers/accounts';
import { ok } from '../helpers/graphql';
import { ops } from '../helpers/operations';
import { useDesk } from '../helpers/support-api';
import { bucketOf } from '../../server/reports/histogram';
import { localDate } from '../../server/reports/support-report';
import { backfillReports, compactReports, useReportTimeZone } from '../../server/reports/report-rollups';

jest.setTimeout(180_000);
const ZONE = 'Europe/Amsterdam';
const desk = useDesk();

/** A small seeded generator, so that a failure can be replayed from the seed it prints. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return { next, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] };
}

type Rollup = Record<string, number[]>;

/** What the roll-ups should hold, from the tickets and ratings as they are, day by day in JS. */
async function recomputed(): Promise<{ days: Rollup; histograms: Rollup }> {
  const tickets = await desk.server.sql(
    `SELECT id, created_at, closed_at, first_response_at, first_response_due_at AS due, category, assignee_id FROM support_tickets`,
  );
  const ratings = await desk.server.sql(`SELECT ticket_id, score, created_at FROM ticket_ratings`);
  const days: Rollup = {};
  const histograms: Rollup = {};
  // created, closed, responded, sla_judged, sla_met, ratings, rating_sum
  const add = (at: Date, t: { category: string; assignee_id: string | null }, counters: number[]) => {
    const key = `${localDate(at, ZONE)}|${t.category}|${t.assignee_id ?? '-'}`;
    days[key] = (days[key] ?? [0, 0, 0, 0, 0, 0, 0]).map((n, i) => n + counters[i]);
  };
  const time = (at: Date, measure: string, minutes: number) => {
    const key = `${localDate(at, ZONE)}|${measure}`;
    const counts = (histograms[key] ??= []);
    counts[bucketOf(minutes)] = (counts[bucketOf(minutes)] ?? 0) + 1;
  };
  for (const t of tickets) {
    add(t.created_at, t, [1, 0, 0, 0, 0, 0, 0]);
    if (t.first_response_at) {
      const met = t.due && t.first_response_at <= t.due ? 1 : 0;
      add(t.first_response_at, t, [0, 0, 1, t.due ? 1 : 0, met, 0, 0]);
      time(t.first_response_at, 'first_response', (t.first_response_at - t.created_at) / 60_000);
    }
    if (t.closed_at) {
      const judged = !t.first_response_at && t.due ? 1 : 0;
      add(t.closed_at, t, [0, 1, 0, judged, judged && t.closed_at <= t.due ? 1 : 0, 0, 0]);
      time(t.closed_at, 'resolution', (t.closed_at - t.created_at) / 60_000);
    }
  }
  for (const r of ratings)
    add(
      r.created_at,
      tickets.find((t) => t.id === r.ticket_id),
      [0, 0, 0, 0, 0, 1, r.score],
    );
  return { days: withoutZeros(days), histograms: withoutZeros(histograms) };
}

const withoutZeros = (rollup: Rollup) =>
  Object.fromEntries(
    Object.entries(rollup)
      .map(([key, values]) => [key, Array.from(values, (n) => n ?? 0)] as const)
      .filter(([, values]) => values.some((n) => n !== 0))
      .map(([key, values]) => [key, trimmed(values)]),
  );
const trimmed = (values: number[]) => values.slice(0, values.findLastIndex((n) => n !== 0) + 1);

/** The roll-ups as stored, the writers' shards added up. */
async function stored(): Promise<{ days: Rollup; histograms: Rollup }> {
  const days = await desk.server.sql(
    `SELECT day::text || '|' || category || '|' || coalesce(assignee_id::text, '-') AS key,
            array[sum(created), sum(closed), sum(responded), sum(sla_judged), sum(sla_met), sum(ratings), sum(rating_sum)]::int[] AS v
       FROM support_report_days GROUP BY 1`,
  );
  const histograms = await desk.server.sql(
    `SELECT day::text || '|' || measure AS key, array_agg(n ORDER BY i)::int[] AS v
       FROM (SELECT day, measure, i, sum(n) AS n FROM support_report_histograms, unnest(counts) WITH ORDINALITY AS u (n, i) GROUP BY 1, 2, 3) s
      GROUP BY 1`,
  );
  const asRollup = (rows: { key: string; v: number[] }[]) => withoutZeros(Object.fromEntries(rows.map((r) => [r.key, r.v])));
  return { days: asRollup(days), histograms: asRollup(histograms) };
}

let customers: SignedIn[];
let agents: SignedIn[];

/** `count` random writes, `concurrency` at a time: through the desk, and past it as the owner. */
async function randomWrites(seed: number, count: number, concurrency = 8) {
  const random = generator(seed);
  const ids = (await desk.server.sql(`SELECT id FROM support_tickets`)).map((r) => r.id as string);
  const ticket = () => (ids.length ? random.pick(ids) : undefined);
  const create = async () =>
    ids.push((await desk.createTicket(random.pick(customers).token, { category: random.pick(['TECHNICAL', 'BILLING', 'OTHER']) })).id);
  const writes: (() => Promise<unknown>)[] = [
    create,
    create,
    async () => ticket() && (await desk.reply(random.pick(agents).token, ticket()!)),
    async () => ticket() && (await desk.reply(customers[0].token, ticket()!).catch(() => undefined)), // not every ticket is theirs
    async () => ticket() && (await desk.setStatus(random.pick(agents).token, ticket()!, 'CLOSED')),
    async () => ticket() && (await desk.setStatus(random.pick(agents).token, ticket()!, 'OPEN').catch(() => undefined)),
    async () => {
      const id = ticket();
      if (id)
        await ok(desk.server, ops.assignTicket, { id, assigneeId: random.next() < 0.3 ? null : random.pick(agents).id }, agents[0].token);
    },
    // A rating of the current close (at most one per close), given up to two days later.
    async () =>
      ticket() &&
      desk.server.sql(
        `INSERT INTO ticket_ratings (ticket_id, closed_at, user_id, score, created_at)
         SELECT id, closed_at, user_id, $2, closed_at + $3 * interval '1 hour' FROM support_tickets WHERE id = $1 AND closed_at IS NOT NULL
         ON CONFLICT DO NOTHING`,
        [ticket(), 1 + Math.floor(random.next() * 5), Math.floor(random.next() * 48)],
      ),
    async () =>
      ticket() && desk.server.sql(`UPDATE support_tickets SET category = $2 WHERE id = $1`, [ticket(), random.pick(['Billing', 'Other'])]),
    // Older tickets: opened days ago (around a local midnight), answered or not, due or not.
    async () =>
      ticket() &&
      desk.server.sql(
        `UPDATE support_tickets SET created_at = date_trunc('day', now()) - $2 * interval '1 hour', first_response_due_at = CASE WHEN $3 THEN NULL ELSE first_response_due_at END
          WHERE id = $1 AND (first_response_at IS NULL OR first_response_at > date_trunc('day', now()) - $2 * interval '1 hour')
            AND (closed_at IS NULL OR closed_at > date_trunc('day', now()) - $2 * interval '1 hour')`,
        [ticket(), Math.floor(random.next() * 240), random.next() < 0.2],
      ),
    async () => {
      const id = ticket();
      if (id && random.next() < 0.3) {
        ids.splice(ids.indexOf(id), 1);
        await desk.server.sql(`DELETE FROM support_tickets WHERE id = $1`, [id]);
      }
    },
  ];
  for (let done = 0; done < count; done += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, count - done) }, () => random.pick(writes)().catch(ignoreGone)));
  }
}

/** A write that raced the removal of its ticket. */
const ignoreGone = (error: Error) => {
  if (!/not found|NOT_FOUND/i.test(error.message)) throw error;
};

beforeAll(async () => {
  customers = [desk.customer, desk.otherCustomer];
  agents = [desk.admin, await signedInUser(desk.server, 'superadmin')];
  await desk.server.sql('TRUNCATE support_tickets CASCADE');
});

const seed = Number(process.env.REPORT_SEED ?? Date.now() % 100_000);

it(`equal a recomputation after random concurrent writes (REPORT_SEED=${seed})`, async () => {
  await randomWrites(seed, 200);
  const [expected, actual] = [await recomputed(), await stored()];
  expect(Object.keys(expected.days).length).toBeGreaterThan(3);
  expect(actual).toEqual(expected);
});

it('equal it after an upgrade: the backfill in batches, racing the desk', async () => {
  // As after the migration: no time zone yet; the first start counts every ticket from the next number on.
  await desk.server.sql(`UPDATE support_report_state SET time_zone = NULL`);
  await useReportTimeZone(desk.server.system, ZONE);
  expect(await stored()).toEqual({ days: {}, histograms: {} });
  const writes = randomWrites(seed + 1, 80, 4);
  let batches = 0;
  while ((await desk.server.system.transaction((manager) => backfillReports((sql, p) => manager.query(sql, p), 3))) === 3) batches++;
  await writes;
  expect(batches).toBeGreaterThan(2);
  const [state] = await desk.server.sql(`SELECT backfilled_to >= live_from AS done FROM support_report_state`);
  expect(state.done).toBe(true);
  expect(await stored()).toEqual(await recomputed());
});

it('equal it after the writers’ shards of old days are folded into one row', async () => {
  // Every old day's row split over two shards, as concurrent writers leave a day.
  await desk.server.sql(`
    WITH old AS (DELETE FROM support_report_days WHERE day < current_date - 2 RETURNING *)
    INSERT INTO support_report_days (day, category, assignee_id, shard, created, closed, responded, sla_judged, sla_met, ratings, rating_sum)
    SELECT day, category, assignee_id, s, created / 2 + s * (created % 2), closed / 2 + s * (closed % 2), responded / 2 + s * (responded % 2),
           sla_judged / 2 + s * (sla_judged % 2), sla_met / 2 + s * (sla_met % 2), ratings / 2 + s * (ratings % 2), rating_sum / 2 + s * (rating_sum % 2)
      FROM old, (VALUES (0), (1)) AS shards (s)`);
  const [{ split }] = await desk.server.sql(`SELECT count(*)::int AS split FROM support_report_days WHERE shard <> 0`);
  expect(split).toBeGreaterThan(0);
  await desk.server.system.transaction((manager) => compactReports((sql, p) => manager.query(sql, p)));
  expect(await desk.server.sql(`SELECT 1 FROM support_report_days WHERE shard <> 0 AND day < current_date - 2`)).toEqual([]);
  expect(await stored()).toEqual(await recomputed());
});
