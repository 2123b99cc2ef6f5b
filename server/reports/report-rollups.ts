import { DataSource } from 'typeorm';
import { JobTasks, enqueue } from '../jobs/job-queue';
import { addFactsSql, ratingFactsSql, ticketFactsSql } from '../db/migrations/1764418000000-Reports';
import type { RunSql } from '../lifecycle/backfill';

declare module '../jobs/job-queue' {
  interface JobPayloads {
    /** The report roll-ups of tickets from before them, a batch at a time, each run queueing the next. */
    'reports.backfill': Record<string, never>;
    /** Folds the shards of days that are no longer today or yesterday into one row each. */
    'reports.compact': Record<string, never>;
  }
}

/** Tickets per backfill transaction (about a second of work on a loaded 2-core machine at 1M tickets). */
export const REPORT_BACKFILL_BATCH = 5000;
const BACKFILL_KEY = 'reports.backfill';

/**
 * Makes the roll-ups count in `timeZone`, the business hours' (docs/architecture.md §11). Nothing to
 * do when they already do. Otherwise (the first start, or BUSINESS_HOURS moved to another zone) the
 * roll-ups start again: emptied, every ticket from the next number on counted live by the triggers,
 * and the existing ones queued for the backfill job. The tables are locked against writes meanwhile
 * (a moment: nothing is computed here), so no change is counted in the old zone and lost.
 */
export async function useReportTimeZone(system: DataSource, timeZone: string): Promise<void> {
  // Started while another instance still migrates (readiness says so): that instance sets the zone once it has.
  const [{ migrated }] = await system.query(`SELECT to_regclass('support_report_state') IS NOT NULL AS migrated`);
  if (!migrated) return;
  const [state] = await system.query(`SELECT time_zone FROM support_report_state`);
  if (state?.time_zone === timeZone) return;
  await system.transaction((manager) => restartReports((sql, parameters) => manager.query(sql, parameters), timeZone));
}

/** The restart of useReportTimeZone, in the caller's transaction (the bench seed runs it too). */
export async function restartReports(run: RunSql, timeZone: string): Promise<void> {
  await run(`LOCK TABLE support_tickets, ticket_ratings IN SHARE ROW EXCLUSIVE MODE`);
  const [locked] = (await run(`SELECT time_zone FROM support_report_state FOR UPDATE`)) as { time_zone: string | null }[];
  if (locked.time_zone === timeZone) return;
  await run(`DELETE FROM support_report_days`);
  await run(`DELETE FROM support_report_histograms`);
  await run(
    `UPDATE support_report_state SET time_zone = $1, backfilled_to = 0,
            live_from = (SELECT coalesce(max(ticket_number) + 1, 0) FROM support_tickets)`,
    [timeZone],
  );
  await run(`SELECT enqueue_job('reports.backfill', '{}', NULL, $1, NULL)`, [BACKFILL_KEY]);
}

/**
 * Adds up to `limit` tickets not yet in the roll-ups (numbered below the state's `live_from`, from
 * `backfilled_to` on), with their ratings, and moves `backfilled_to` past them, in the caller's
 * transaction. The tickets are locked as the desk's own writes lock them, so a change racing the
 * batch is either in it or counted by the triggers after it. Returns how many it added.
 */
export async function backfillReports(run: RunSql, limit: number): Promise<number> {
  const [state] = (await run(`SELECT time_zone, live_from, backfilled_to FROM support_report_state FOR UPDATE`)) as {
    time_zone: string | null;
    live_from: number;
    backfilled_to: number;
  }[];
  if (!state.time_zone || state.backfilled_to >= state.live_from) return 0;
  const [batch] = (await run(
    `WITH b AS (SELECT ticket_number FROM support_tickets WHERE ticket_number >= $1 AND ticket_number < $2
                 ORDER BY ticket_number LIMIT $3 FOR UPDATE)
     SELECT count(*)::int AS n, max(ticket_number) AS last FROM b`,
    [state.backfilled_to, state.live_from, limit],
  )) as { n: number; last: number | null }[];
  const upTo = batch.n < limit ? state.live_from : batch.last! + 1;
  // From here on the batch counts as done (for the triggers too): its facts go in with it.
  await run(`UPDATE support_report_state SET backfilled_to = $1`, [upTo]);
  const range = (t: string) => `${t}.ticket_number >= ${Number(state.backfilled_to)} AND ${t}.ticket_number < ${Number(upTo)}`;
  await run(
    addFactsSql(
      `${ticketFactsSql(1, 't', 'support_tickets t', range('t'))}
       UNION ALL ${ratingFactsSql(1, 't', 'ticket_ratings r JOIN support_tickets t ON t.id = r.ticket_id', range('t'))}`,
    ),
  );
  return batch.n;
}

/**
 * Folds the writers' shards of days before yesterday (local) into shard 0: those days are written to
 * shard 0 only, so the rows folded are nobody's to wait for, and a year stays ≤ 365 rows per group.
 */
export async function compactReports(run: RunSql): Promise<void> {
  const old = `shard <> 0 AND day < (now() AT TIME ZONE (SELECT time_zone FROM support_report_state))::date - 1`;
  const counters = ['created', 'closed', 'responded', 'sla_judged', 'sla_met', 'ratings', 'rating_sum'];
  await run(`
    WITH moved AS (DELETE FROM support_report_days WHERE ${old} RETURNING *)
    INSERT INTO support_report_days AS d (day, category, assignee_id, shard, ${counters.join(', ')})
    SELECT day, category, assignee_id, 0, ${counters.map((c) => `sum(${c})`).join(', ')} FROM moved
     GROUP BY day, category, assignee_id ORDER BY day, category, assignee_id NULLS FIRST
    ON CONFLICT (day, category, assignee_id, shard) DO UPDATE SET ${counters.map((c) => `${c} = d.${c} + EXCLUDED.${c}`).join(', ')}`);
  await run(`
    WITH moved AS (DELETE FROM support_report_histograms WHERE ${old} RETURNING *),
    sums AS (SELECT day, measure, i, sum(n) AS n FROM moved, unnest(counts) WITH ORDINALITY AS u (n, i) GROUP BY day, measure, i)
    INSERT INTO support_report_histograms AS h (day, measure, shard, counts)
    SELECT day, measure, 0, array_agg(n ORDER BY i) FROM sums GROUP BY day, measure ORDER BY day, measure
    ON CONFLICT (day, measure, shard) DO UPDATE SET counts = support_report_add_counts(h.counts, EXCLUDED.counts)`);
}

/**
 * The roll-ups' jobs, on the owner's connections: `reports.backfill` does one batch and, while any
 * remain, queues itself again in the same transaction (a crash loses no batch, no lock is held long);
 * `reports.compact` runs every hour.
 */
export function defineReportJobs(tasks: JobTasks, { system, batch = REPORT_BACKFILL_BATCH }: { system: DataSource; batch?: number }) {
  tasks.define('reports.backfill', () =>
    system.transaction(async (manager) => {
      const done = await backfillReports((sql, parameters) => manager.query(sql, parameters), batch);
      if (done === batch) await enqueue(manager, 'reports.backfill', {}, { key: BACKFILL_KEY });
    }),
  );
  tasks.recurring('reports.compact', '23 * * * *', () =>
    system.transaction((manager) => compactReports((sql, parameters) => manager.query(sql, parameters))),
  );
}

/** Queues the backfill when tickets remain outside the roll-ups (once across instances, by its key). */
export async function resumeReportBackfill(system: DataSource): Promise<void> {
  await system.query(
    `SELECT enqueue_job('reports.backfill', '{}', NULL, $1, NULL)
      WHERE EXISTS (SELECT 1 FROM support_report_state WHERE time_zone IS NOT NULL AND backfilled_to < live_from)`,
    [BACKFILL_KEY],
  );
}
