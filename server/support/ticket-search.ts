import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { SEARCH_COUNT_CAP } from '../contract';
import type { Keyset, SupportTicketOrder } from './ticket-order';
import { SupportTicket } from './ticket.entity';

/**
 * The search box (docs/architecture.md §8, "Search"): a ticket number, or words matched through the
 * database function `support_ticket_search` (migration WordSearch), which reads the GIN indexes of
 * words as the tables' owner and applies the viewer rule of row-level security itself.
 */

const TICKET_NUMBER = /^#?(\d{1,9})$/;

/** The ticket number a search asks for (`1234` or `#1234`), or null when it is words. */
export function ticketNumberSearched(search: string): number | null {
  const number = TICKET_NUMBER.exec(search);
  return number ? Number(number[1]) : null;
}

interface Match {
  id: string;
  updated_at: Date;
  ticket_number: number;
}

/** `many`: the search matches more than the count's cap, so the list's own index is walked (migration StoredSearchDocument). */
const matchesOf = (
  manager: EntityManager,
  search: string,
  order: SupportTicketOrder | null,
  after: Record<string, unknown> | null,
  lim: number,
  many = false,
): Promise<Match[]> =>
  manager.query(`SELECT * FROM support_ticket_search($1, $2, $3, $4, $5, $6, $7)`, [
    search,
    order,
    after?.cursorAt ?? null,
    after?.cursorId ?? null,
    after?.cursorNumber ?? null,
    lim,
    many,
  ]);

/**
 * How many of the viewer's tickets a search lists, counted up to SEARCH_COUNT_CAP (`capped` past it).
 * Under other conditions of the list (`narrowed`), the matches are found first, as far as the cap
 * and in no order, and the list's conditions count among them: a lower bound when capped.
 */
export async function countMatches(
  manager: EntityManager,
  search: string,
  narrowed: SelectQueryBuilder<SupportTicket> | null,
): Promise<{ count: number; capped: boolean }> {
  if (!narrowed) {
    const [{ n }] = await manager.query(`SELECT support_ticket_search_count($1, $2) AS n`, [search, SEARCH_COUNT_CAP + 1]);
    return { count: Math.min(n, SEARCH_COUNT_CAP), capped: n > SEARCH_COUNT_CAP };
  }
  const ids = (await matchesOf(manager, search, null, null, SEARCH_COUNT_CAP + 1)).map((match) => match.id);
  const count = await narrowed
    .clone()
    .andWhere('t.id = ANY(:counted)', { counted: ids.slice(0, SEARCH_COUNT_CAP) })
    .getCount();
  return { count, capped: ids.length > SEARCH_COUNT_CAP };
}

interface PageRequest {
  search: string;
  order: SupportTicketOrder;
  keyset: Keyset;
  cursor: Record<string, unknown> | null;
  limit: number;
  /** The list has conditions besides the search: not every match is on it. */
  narrowed: boolean;
  /** The search counted more matches than SEARCH_COUNT_CAP. */
  capped: boolean;
}

/** The largest round of matches one read of a page asks for. */
const MAX_ROUND = 10_000;

/**
 * One page (and one row more) of a search: the matches come in list order after the cursor, a round
 * at a time, and `query` (the list's scope and conditions) keeps those on the list. With no other
 * condition the first round is the page; with one, each round asks for four times as many. A page of
 * a search with more matches than the cap and no other condition walks the list's index: a page of
 * them is close at hand (at least one ticket in 10,000 matches at 10M), where their index would
 * gather them all. Under other conditions the rounds can grow to thousands, which the index serves.
 */
export async function pageOfMatches(
  manager: EntityManager,
  query: SelectQueryBuilder<SupportTicket>,
  { search, order, keyset, cursor, limit, narrowed, capped }: PageRequest,
  /** Reads a page of the list's query (with what the request selects of its nodes). */
  read: (page: SelectQueryBuilder<SupportTicket>) => Promise<SupportTicket[]>,
): Promise<SupportTicket[]> {
  const rows: SupportTicket[] = [];
  let after = cursor;
  for (let round = narrowed ? 4 * (limit + 1) : limit + 1; ; round = Math.min(4 * round, MAX_ROUND)) {
    const matches = await matchesOf(manager, search, order, after, round, capped && !narrowed);
    if (matches.length) {
      const listed = await read(
        query
          .clone()
          .andWhere('t.id = ANY(:round)', { round: matches.map((match) => match.id) })
          .orderBy(keyset.orderBy)
          .limit(limit + 1 - rows.length),
      );
      rows.push(...listed);
    }
    if (rows.length > limit || matches.length < round) return rows;
    const last = matches[matches.length - 1];
    after = { cursorAt: last.updated_at, cursorId: last.id, cursorNumber: last.ticket_number };
  }
}
