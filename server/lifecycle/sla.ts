import type { SupportTicket } from '../support/ticket.entity';
import type { SlaState } from './lifecycle.types';

type SlaFields = Pick<SupportTicket, 'firstResponseAt' | 'firstResponseDueAt' | 'closedAt'>;

/**
 * Whether the first response came, or will come, too late (docs/architecture.md §10): the clock stops
 * at the first public team reply, or at closing for a ticket closed before one (a customer who found
 * the answer alone was not kept waiting after that); an open, unanswered ticket is judged now.
 */
export function slaBreached({ firstResponseAt, firstResponseDueAt, closedAt }: SlaFields, now: Date): boolean {
  if (!firstResponseDueAt) return false;
  return (firstResponseAt ?? closedAt ?? now).getTime() > firstResponseDueAt.getTime();
}

export function slaStateOf(ticket: SlaFields, now: Date): SlaState | null {
  return ticket.firstResponseDueAt ? { firstResponseDueAt: ticket.firstResponseDueAt, breached: slaBreached(ticket, now) } : null;
}

/** The key of a ticket's `sla.overdue` job: at most one per ticket. */
export const overdueJobKey = (ticketId: string) => `sla.overdue:${ticketId}`;

/**
 * `slaBreached` as SQL on the tickets aliased `t`, for `breached` true or false. The first condition
 * is the predicate of the partial index support_tickets_sla_idx, written out so the planner uses it.
 */
export function slaBreachedSql(breached: boolean): string {
  const missed = `coalesce(t.first_response_at, t.closed_at, now()) > t.first_response_due_at`;
  return breached
    ? `(t.first_response_at IS NULL OR t.first_response_at > t.first_response_due_at) AND ${missed}`
    : `t.first_response_due_at IS NOT NULL AND NOT (${missed})`;
}
