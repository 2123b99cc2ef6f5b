import type { TicketStatus } from '../gql/graphql';

export interface SlaFields {
  status: TicketStatus;
  firstResponseAt?: string | null;
  sla?: { firstResponseDueAt: string; breached: boolean } | null;
}

/** What a row says of the first response: still due (in `ms`), overdue, answered late, or nothing. */
export type SlaMark = { kind: 'due'; ms: number } | { kind: 'overdue' } | { kind: 'late' } | null;

/**
 * The server's `sla.breached` as of when the ticket was read, moved on by the clock: an open,
 * unanswered ticket turns overdue when its due time passes, without waiting for the server's
 * `sla.overdue` job to say so (docs/architecture.md §10). Closed tickets are not the team's to triage.
 */
export function slaMark(ticket: SlaFields, now: number): SlaMark {
  const { sla } = ticket;
  if (!sla || ticket.status === 'CLOSED') return null;
  if (ticket.firstResponseAt) return sla.breached ? { kind: 'late' } : null;
  const ms = Date.parse(sla.firstResponseDueAt) - now;
  return sla.breached || ms <= 0 ? { kind: 'overdue' } : { kind: 'due', ms };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The time left as `Intl.RelativeTimeFormat` takes it, never rounded up past the due time: "in 59 minutes", "in 2 hours", "in 3 days". */
export function timeLeft(ms: number): [number, Intl.RelativeTimeFormatUnit] {
  if (ms < HOUR) return [Math.max(1, Math.floor(ms / MINUTE)), 'minute'];
  if (ms < 2 * DAY) return [Math.floor(ms / HOUR), 'hour'];
  return [Math.floor(ms / DAY), 'day'];
}
