import { EntityManager } from 'typeorm';
import { TicketCategory, TicketStatus } from './ticket-status';

/**
 * Exact counts over all tickets from the trigger-kept `support_ticket_counts` (migration
 * TicketCounts1764200000000): a few dozen rows instead of a scan of every ticket. For the Lex team
 * only, who see every ticket; a customer's counts come from their own rows.
 */
export async function countAllTickets(manager: EntityManager, filter: { status?: TicketStatus | null; category?: TicketCategory | null } = {}) {
  const [row] = await manager.query(
    `SELECT coalesce(sum(tickets), 0)::int AS n FROM support_ticket_counts
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR category = $2)`,
    [filter.status ?? null, filter.category ?? null],
  );
  return row.n as number;
}
