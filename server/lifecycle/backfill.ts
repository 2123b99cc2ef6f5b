import type { LifecycleConfig } from '../config';
import { businessWindows } from './business-hours';
import { overdueJobKey } from './ticket-lifecycle';

/** Runs one statement (a TypeORM query runner's `query`, or pg's). */
export type RunSql = (sql: string, parameters?: unknown[]) => Promise<unknown>;

const HOUR = 3_600_000;

/**
 * Gives tickets that have no due time yet (those from before the lifecycle, or bulk-loaded ones)
 * what a new ticket gets when it is opened (docs/architecture.md §9): its CREATED event, its first
 * response (the first public team reply, which is on record) and its first-response due time from
 * today's business hours. Set-based: the business calendar over the tickets' dates is computed once
 * by `businessWindows` (the same code as for a new ticket) and each due time is a lookup into it,
 * so a million tickets take seconds, not a million walks through the calendar.
 */
export async function backfillLifecycle(run: RunSql, { businessHours, slaFirstResponseHours }: LifecycleConfig): Promise<void> {
  const [range] = (await run(
    `SELECT min(created_at) AS first, max(created_at) AS last FROM support_tickets WHERE first_response_due_at IS NULL`,
  )) as { first: Date | null; last: Date | null }[];
  if (!range?.first || !range.last) return;

  // Every window from the first ticket's day until the last ticket's SLA has surely run out.
  const sla = Math.round(slaFirstResponseHours * HOUR);
  const starts: Date[] = [];
  const ends: Date[] = [];
  const before: number[] = [];
  let total = 0;
  let afterLast = 0;
  for (const window of businessWindows(businessHours, range.first)) {
    starts.push(window.start);
    ends.push(window.end);
    before.push(total);
    const length = window.end.getTime() - window.start.getTime();
    total += length;
    if (window.end > range.last) afterLast += Math.min(length, window.end.getTime() - range.last.getTime());
    if (afterLast > sla) break;
  }
  await run(`CREATE TEMP TABLE lifecycle_windows (starts timestamptz, ends timestamptz, before_ms bigint, after_ms bigint) ON COMMIT DROP`);
  await run(
    `INSERT INTO lifecycle_windows SELECT s, e, b, b + (extract(epoch FROM e - s) * 1000)::bigint
       FROM unnest($1::timestamptz[], $2::timestamptz[], $3::bigint[]) AS w (s, e, b)`,
    [starts, ends, before],
  );
  await run(`CREATE INDEX ON lifecycle_windows (ends)`);
  await run(`CREATE INDEX ON lifecycle_windows (after_ms)`);
  await run(`ANALYZE lifecycle_windows`);

  await run(`
    INSERT INTO ticket_events (ticket_id, kind, actor_id, actor_name, actor_role, to_status, created_at)
    SELECT id, 'created', user_id, user_name, 'customer', 'open', created_at
      FROM support_tickets WHERE first_response_due_at IS NULL ORDER BY created_at, id`);
  // Business time before the ticket (the window it falls in or the next one), plus the SLA: the due
  // time lies in the first window whose business time reaches that much; as addBusinessHours, due
  // exactly at a closing time is due then.
  await run(
    `UPDATE support_tickets t SET first_response_due_at = due.at, first_response_at = first.at
       FROM support_tickets s
      CROSS JOIN LATERAL (
        SELECT w.before_ms + greatest(0, (extract(epoch FROM s.created_at - w.starts) * 1000)::bigint) + $1 AS ms
          FROM lifecycle_windows w WHERE w.ends > s.created_at ORDER BY w.ends LIMIT 1) target
      CROSS JOIN LATERAL (
        SELECT w.starts + (target.ms - w.before_ms) * interval '1 millisecond' AS at
          FROM lifecycle_windows w WHERE w.after_ms >= target.ms ORDER BY w.after_ms LIMIT 1) due
       LEFT JOIN (SELECT ticket_id, min(created_at) AS at FROM support_replies WHERE is_admin AND NOT is_internal GROUP BY ticket_id) first
              ON first.ticket_id = s.id
      WHERE t.id = s.id AND s.first_response_due_at IS NULL`,
    [sla],
  );
  // Tickets still waiting for a first response that is not due yet turn overdue live, as new ones do
  // (the queue's schema exists wherever tickets do: the server installs it at its first start).
  await run(`
    DO $$ BEGIN
      IF to_regnamespace('graphile_worker') IS NOT NULL THEN
        PERFORM enqueue_job('sla.overdue', json_build_object('ticketId', id), first_response_due_at, '${overdueJobKey('')}' || id, NULL)
           FROM support_tickets WHERE first_response_at IS NULL AND closed_at IS NULL AND first_response_due_at > now();
      END IF;
    END $$`);
}
