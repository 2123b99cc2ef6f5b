import type { LifecycleConfig } from '../config';
import { businessWindows } from './business-hours';
import { overdueJobKey } from './sla';

/** Runs one statement (a TypeORM manager's `query`, or pg's returning its rows). */
export type RunSql = (sql: string, parameters?: unknown[]) => Promise<unknown>;

const HOUR = 3_600_000;

/**
 * Gives up to `limit` tickets that have no due time yet (those from before the lifecycle, or
 * bulk-loaded ones) what a new ticket gets when it is opened (docs/architecture.md §10): its CREATED
 * event, its first response (the first public team reply, which is on record), its first-response
 * due time from today's business hours, and, when that is still ahead and nobody answered, its
 * overdue job. Returns how many it did; 0 when none was left.
 *
 * Set-based: the business calendar over the batch's dates is computed once by `businessWindows` (the
 * same code as for a new ticket) and each due time is an indexed lookup into it. Batches keep each
 * transaction short: updating a million tickets at once rewrites every index of the table in one
 * transaction, which took 8 to 9 minutes with the table's writes locked (measured, docs §10).
 */
export async function backfillLifecycle(
  run: RunSql,
  { businessHours, slaFirstResponseHours }: LifecycleConfig,
  limit: number,
  numbers?: { from: number; below: number },
) {
  // The oldest pending tickets (support_tickets_lifecycle_pending_idx), locked against the desk's own
  // writes; or those numbered in `numbers` (the bench seed's ranges, loaded without that index).
  const inRange = numbers ? 'AND ticket_number >= $2 AND ticket_number < $3' : '';
  const [batch] = (await run(
    `WITH batch AS (SELECT id, created_at FROM support_tickets WHERE first_response_due_at IS NULL ${inRange} ORDER BY id LIMIT $1 FOR UPDATE)
     SELECT coalesce(array_agg(id), '{}') AS ids, min(created_at) AS first, max(created_at) AS last FROM batch`,
    numbers ? [limit, numbers.from, numbers.below] : [limit],
  )) as { ids: string[]; first: Date | null; last: Date | null }[];
  if (!batch.first || !batch.last) return 0;

  // Every window from the first ticket's day until the last ticket's SLA has surely run out.
  const sla = Math.round(slaFirstResponseHours * HOUR);
  const [starts, ends, before]: [Date[], Date[], number[]] = [[], [], []];
  let total = 0;
  let afterLast = 0;
  for (const window of businessWindows(businessHours, batch.first)) {
    starts.push(window.start);
    ends.push(window.end);
    before.push(total);
    total += window.end.getTime() - window.start.getTime();
    if (window.end > batch.last) afterLast += window.end.getTime() - Math.max(window.start.getTime(), batch.last.getTime());
    if (afterLast > sla) break;
  }
  await run(`DROP TABLE IF EXISTS lifecycle_windows`);
  await run(`CREATE TEMP TABLE lifecycle_windows (starts timestamptz, ends timestamptz, before_ms bigint, after_ms bigint) ON COMMIT DROP`);
  await run(
    `INSERT INTO lifecycle_windows SELECT s, e, b, b + (extract(epoch FROM e - s) * 1000)::bigint
       FROM unnest($1::timestamptz[], $2::timestamptz[], $3::bigint[]) AS w (s, e, b)`,
    [starts, ends, before],
  );
  await run(`CREATE INDEX ON lifecycle_windows (ends)`);
  await run(`CREATE INDEX ON lifecycle_windows (after_ms)`);
  await run(`ANALYZE lifecycle_windows`);

  await run(
    `INSERT INTO ticket_events (ticket_id, kind, actor_id, actor_name, actor_role, to_status, created_at)
     SELECT id, 'created', user_id, user_name, 'customer', 'open', created_at FROM support_tickets WHERE id = ANY($1) ORDER BY created_at, id`,
    [batch.ids],
  );
  // Business time before the ticket (the window it falls in, or the next one), plus the SLA: the due
  // time lies in the first window whose business time reaches that much; as addBusinessHours, due
  // exactly at a closing time is due then.
  await run(
    `UPDATE support_tickets t SET first_response_due_at = due.at, first_response_at = first.at
       FROM support_tickets s
      CROSS JOIN LATERAL (
        SELECT w.before_ms + greatest(0, (extract(epoch FROM s.created_at - w.starts) * 1000)::bigint) + $2 AS ms
          FROM lifecycle_windows w WHERE w.ends > s.created_at ORDER BY w.ends LIMIT 1) target
      CROSS JOIN LATERAL (
        SELECT w.starts + (target.ms - w.before_ms) * interval '1 millisecond' AS at
          FROM lifecycle_windows w WHERE w.after_ms >= target.ms ORDER BY w.after_ms LIMIT 1) due
       LEFT JOIN (SELECT ticket_id, min(created_at) AS at FROM support_replies
                   WHERE ticket_id = ANY($1) AND is_admin AND NOT is_internal GROUP BY ticket_id) first ON first.ticket_id = s.id
      WHERE t.id = s.id AND s.id = ANY($1)`,
    [batch.ids, sla],
  );
  await run(
    `SELECT enqueue_job('sla.overdue', json_build_object('ticketId', id), first_response_due_at, $2 || id, NULL)
       FROM support_tickets WHERE id = ANY($1) AND first_response_at IS NULL AND closed_at IS NULL AND first_response_due_at > now()`,
    [batch.ids, overdueJobKey('')],
  );
  return batch.ids.length;
}
