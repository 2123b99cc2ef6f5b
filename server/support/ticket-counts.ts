import { DataSource, EntityManager } from 'typeorm';
import { Actor, Viewer, isSuperadmin } from '../auth/viewer';
import { readAsViewer } from '../db/viewer-transaction';
import { forbidden } from '../errors';
import { SupportStats } from './support.types';
import { TicketCategory, TicketStatus } from './ticket-status';

/**
 * Exact counts over all tickets from the trigger-kept `support_ticket_counts` (migration
 * TicketCounts1764200000000): a few dozen rows instead of a scan of every ticket. For the Lex team
 * only, who see every ticket; a customer's counts come from their own rows.
 */
export async function countAllTickets(
  manager: EntityManager,
  filter: { status?: TicketStatus | null; category?: TicketCategory | null; notClosed?: boolean | null } = {},
) {
  const [row] = await manager.query(
    `SELECT coalesce(sum(tickets), 0)::int AS n FROM support_ticket_counts
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR category = $2)
        AND ($3::boolean IS NULL OR (status <> 'closed') = $3)`,
    [filter.status ?? null, filter.category ?? null, filter.notClosed ?? null],
  );
  return row.n as number;
}

/**
 * The totals of the "Mine" (`assigneeId`) and "Unassigned" (`unassigned`) lists, closed tickets
 * included unless `notClosed` says otherwise, from the trigger-kept `support_assignment_counts`
 * (migration AssignmentCountsClosed). For the Lex team, who see every ticket.
 */
export async function countAssignedTickets(
  manager: EntityManager,
  filter: { assigneeId?: string | null; unassigned?: boolean | null; notClosed?: boolean | null },
) {
  const [row] = await manager.query(
    `SELECT coalesce(sum(tickets), 0)::int AS n FROM support_assignment_counts
      WHERE ($1::uuid IS NULL OR assignee_id = $1) AND ($2::boolean IS NULL OR (assignee_id IS NULL) = $2)
        AND ($3::boolean IS NULL OR closed <> $3)`,
    [filter.assigneeId ?? null, filter.unassigned ?? null, filter.notClosed ?? null],
  );
  return row.n as number;
}

/**
 * How many tickets (all tenants) breached their first-response time, or did not (`slaBreached`),
 * without reading them (docs/architecture.md §10): the breaches for good from the trigger-kept
 * counts, the open unanswered tickets past due from their own index; the rest have met it, but for
 * tickets the lifecycle's backfill has not reached yet (no due time: neither).
 */
export async function countSlaTickets(
  manager: EntityManager,
  filter: { status?: TicketStatus | null; category?: TicketCategory | null; notClosed?: boolean | null; slaBreached: boolean },
) {
  const narrow = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR category = $2)
    AND ($3::boolean IS NULL OR (status <> 'closed') = $3)`;
  const [row] = await manager.query(
    `SELECT (SELECT coalesce(sum(tickets), 0) FROM support_ticket_counts WHERE ${narrow})::int AS "all",
            (SELECT coalesce(sum(sla_missed), 0) FROM support_ticket_counts WHERE ${narrow})::int AS missed,
            (SELECT count(*) FROM support_tickets
              WHERE first_response_at IS NULL AND closed_at IS NULL AND first_response_due_at < now() AND ${narrow})::int AS overdue,
            (SELECT count(*) FROM support_tickets WHERE first_response_due_at IS NULL AND ${narrow})::int AS pending`,
    [filter.status ?? null, filter.category ?? null, filter.notClosed ?? null],
  );
  const breached = row.missed + row.overdue;
  return filter.slaBreached ? breached : row.all - breached - row.pending;
}

/** The navigation badge's number, and when it was counted (`asOf` orders badges sent live). */
export interface Badge {
  count: number;
  asOf: Date;
}

/** The numbers the desk shows: the Lex team's stats, unread counts and navigation badges. */
export class TicketCounts {
  constructor(
    private readonly db: DataSource,
    /** Badges are also counted for others after a change, with no session to act for. */
    private readonly system: DataSource,
  ) {}

  async stats(viewer: Viewer): Promise<SupportStats> {
    if (!isSuperadmin(viewer)) throw forbidden();
    // One statement (a round trip less than two): the trigger-kept counts per status, and the open
    // tickets of the viewer and of nobody from those per assignee (migration AssignmentCounts).
    const [row] = (await readAsViewer(this.db, viewer, (manager) =>
      manager.query(
        `SELECT (SELECT coalesce(json_object_agg(status, n), '{}') FROM
                  (SELECT status, sum(tickets)::int AS n FROM support_ticket_counts GROUP BY status) s) AS statuses,
                coalesce(sum(tickets) FILTER (WHERE assignee_id = $1), 0)::int AS mine,
                coalesce(sum(tickets) FILTER (WHERE assignee_id IS NULL), 0)::int AS unassigned
           FROM support_assignment_counts WHERE NOT closed AND (assignee_id = $1 OR assignee_id IS NULL)`,
        [viewer.id],
      ),
    )) as { statuses: Partial<Record<TicketStatus, number>>; mine: number; unassigned: number }[];
    const count = (status: TicketStatus) => row.statuses[status] ?? 0;
    return {
      open: count(TicketStatus.OPEN),
      inProgress: count(TicketStatus.IN_PROGRESS),
      answered: count(TicketStatus.ANSWERED),
      closed: count(TicketStatus.CLOSED),
      total: Object.values(TicketStatus).reduce((sum, status) => sum + count(status), 0),
      mine: row.mine,
      unassigned: row.unassigned,
    };
  }

  /** Replies from the other side the viewer has not read, over all tickets they can see. */
  async unreadReplyCount(viewer: Viewer): Promise<number> {
    if (!isSuperadmin(viewer)) return (await this.badge(viewer)).count;
    const [row] = await readAsViewer(this.db, viewer, (manager) =>
      manager.query(`SELECT coalesce(sum(admin_unread), 0)::int AS n FROM support_ticket_counts`),
    );
    return row.n;
  }

  /** The navigation badge: unread Lex-team replies for a customer, open tickets for the Lex team. */
  async badge(viewer: Actor): Promise<Badge> {
    // One statement each, without a transaction of its own: every reply recounts a badge, and the
    // four round trips of a viewer transaction were a fifth of a reply's SQL (issue 8).
    const [row] = isSuperadmin(viewer)
      ? await this.system.query(
          `SELECT coalesce(sum(tickets), 0)::int AS count, statement_timestamp() AS "asOf" FROM support_ticket_counts WHERE status = 'open'`,
        )
      : await this.system.query(`SELECT support_customer_unread($1) AS count, statement_timestamp() AS "asOf"`, [viewer.id]);
    return row;
  }
}
