import type { TicketCategory, TicketStatus } from '../gql/graphql';

/**
 * Keeping a ticket list right when a ticket changes elsewhere: the list is
 * ordered by last update (newest first, like the server's keyset order on
 * (updated_at, id)), and a filtered list only holds tickets that match.
 */

export interface TicketLike {
  id: string;
  ticketNumber: number;
  subject: string;
  status: TicketStatus;
  category: TicketCategory;
  updatedAt: string;
  userName: string;
  userEmail: string;
  tenant: { name: string };
}

export interface ListFilter {
  status?: TicketStatus | null;
  category?: TicketCategory | null;
  search?: string | null;
}

export interface ConnectionLike<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Newest update first; ties by id descending (keyset order). */
export function compareTickets(a: TicketLike, b: TicketLike): number {
  const d = Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
  if (d !== 0) return d;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Mirrors the server's search: ticket number, subject, customer name or email, company. */
export function ticketMatchesFilter(ticket: TicketLike, filter: ListFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.status && ticket.status !== filter.status) return false;
  if (filter.category && ticket.category !== filter.category) return false;
  const q = filter.search?.trim().toLowerCase();
  if (q) {
    const number = q.replace(/^#/, '');
    const hay = [ticket.subject, ticket.userName, ticket.userEmail, ticket.tenant.name].map((s) => s.toLowerCase());
    const byNumber = /^\d+$/.test(number) && String(ticket.ticketNumber).includes(number);
    if (!byNumber && !hay.some((h) => h.includes(q))) return false;
  }
  return true;
}

/**
 * The list after `ticket` changed: updated in place, inserted when new and
 * matching, removed when it no longer matches, and re-sorted. A ticket older
 * than the last loaded one on a list with more pages is left to pagination.
 */
export function upsertTicket<T extends TicketLike, C extends ConnectionLike<T>>(
  conn: C,
  ticket: T,
  filter?: ListFilter | null,
): C {
  const index = conn.nodes.findIndex((n) => n.id === ticket.id);
  const matches = ticketMatchesFilter(ticket, filter);
  if (index === -1 && !matches) return conn;
  if (index !== -1 && !matches) {
    return {
      ...conn,
      nodes: conn.nodes.filter((n) => n.id !== ticket.id),
      totalCount: Math.max(0, conn.totalCount - 1),
    };
  }
  const others = conn.nodes.filter((n) => n.id !== ticket.id);
  const last = others[others.length - 1];
  if (index === -1 && conn.pageInfo.hasNextPage && last && compareTickets(ticket, last) > 0) {
    // belongs to a page not loaded yet
    return { ...conn, totalCount: conn.totalCount + 1 };
  }
  const nodes = [...others, ticket].sort(compareTickets);
  return { ...conn, nodes, totalCount: index === -1 ? conn.totalCount + 1 : conn.totalCount };
}
