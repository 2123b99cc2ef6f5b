import type { SupportTicketOrder, TicketCategory, TicketStatus } from '../gql/graphql';

/**
 * Keeping a ticket list right when a ticket changes elsewhere: the list is
 * in one of the server's keyset orders (last update on (updated_at, id), or
 * the ticket number, each either way), and a filtered list only holds
 * tickets that match.
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
  assignee?: { id: string } | null;
  sla?: { breached: boolean } | null;
}

export interface ListFilter {
  status?: TicketStatus | null;
  category?: TicketCategory | null;
  search?: string | null;
  /** The "Mine" view: tickets assigned to this team member. */
  assigneeId?: string | null;
  /** The "Unassigned" view (true), or assigned tickets only (false). */
  unassigned?: boolean | null;
  /** Open work only (true), as the views list it, or closed tickets only (false). */
  notClosed?: boolean | null;
  /** Only tickets whose first response is overdue or came late (true), or the others (false). */
  slaBreached?: boolean | null;
}

export interface ConnectionLike<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Newest update first; ties by id descending (keyset order). */
function byUpdateNewestFirst(a: TicketLike, b: TicketLike): number {
  const d = Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
  if (d !== 0) return d;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Negative when `a` comes before `b` in `order` (server/support/ticket-order.ts). */
export function compareTickets(a: TicketLike, b: TicketLike, order: SupportTicketOrder = 'UPDATED_DESC'): number {
  switch (order) {
    case 'UPDATED_DESC':
      return byUpdateNewestFirst(a, b);
    case 'UPDATED_ASC':
      return byUpdateNewestFirst(b, a);
    case 'CREATED_DESC':
      return b.ticketNumber - a.ticketNumber;
    case 'CREATED_ASC':
      return a.ticketNumber - b.ticketNumber;
  }
}

/** What the server reads as a ticket number: the whole search, digits with an optional `#` (server/support/ticket-search.ts). */
const TICKET_NUMBER_SEARCH = /^#?(\d{1,9})$/;

/** The words of a text as the server's search reads them: accents off, lower case, split at everything but letters and digits. */
export const searchWords = (text: string): string[] =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Every word of the search among `words`, the last also as the start of one. */
function hasWords(words: string[], search: string[]): boolean {
  const last = search.length - 1;
  return search.every((word, i) => words.some((w) => w === word || (i === last && w.startsWith(word))));
}

/**
 * Whether the server would list `ticket` under `filter`. The server's search (trimmed) is a ticket
 * number, exactly, or words: all of them in the subject, customer name and email, or all in the
 * company's name (docs/architecture.md §8, "Search"); the views match by assignee.
 */
export function ticketMatchesFilter(ticket: TicketLike, filter: ListFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.status && ticket.status !== filter.status) return false;
  if (filter.category && ticket.category !== filter.category) return false;
  if (filter.assigneeId && ticket.assignee?.id !== filter.assigneeId) return false;
  if (filter.unassigned != null && !ticket.assignee !== filter.unassigned) return false;
  if (filter.notClosed != null && (ticket.status !== 'CLOSED') !== filter.notClosed) return false;
  if (filter.slaBreached != null && Boolean(ticket.sla?.breached) !== filter.slaBreached) return false;
  const search = filter.search?.trim();
  if (!search) return true;
  const number = TICKET_NUMBER_SEARCH.exec(search);
  if (number) return ticket.ticketNumber === Number(number[1]);
  const words = searchWords(search);
  if (!words.length) return false;
  return (
    hasWords(searchWords(`${ticket.subject} ${ticket.userName} ${ticket.userEmail}`), words) ||
    hasWords(searchWords(ticket.tenant.name), words)
  );
}

/** A ticket whose creation this is: it has not changed since (every change moves `updatedAt`). */
const justCreated = (ticket: TicketLike & { createdAt?: string }) =>
  ticket.createdAt !== undefined && Date.parse(ticket.createdAt) === Date.parse(ticket.updatedAt);

export interface ListUpdate<C> {
  list: C;
  /**
   * False when only the server knows the new total: a ticket the list has not loaded, on a list
   * filtered by status with pages still to load, may or may not have been counted before.
   */
  countKnown: boolean;
}

/**
 * The list after `ticket` changed, as the server would now answer it in `order`: updated in place,
 * inserted when it matches and falls within the loaded rows, removed when it no longer matches,
 * re-sorted (by last update it moves; by number it stays, and a new ticket is the newest). The
 * total moves only by what is known: a ticket the list has not loaded was counted already when it
 * sits on a page not loaded yet (a reply there moves it, it is not new to the list).
 */
export function upsertTicket<T extends TicketLike & { createdAt?: string }, C extends ConnectionLike<T>>(
  conn: C,
  ticket: T,
  filter?: ListFilter | null,
  order: SupportTicketOrder = 'UPDATED_DESC',
): ListUpdate<C> {
  const compare = (a: TicketLike, b: TicketLike) => compareTickets(a, b, order);
  const loaded = conn.nodes.some((n) => n.id === ticket.id);
  const matches = ticketMatchesFilter(ticket, filter);
  const others = conn.nodes.filter((n) => n.id !== ticket.id);
  const morePages = conn.pageInfo.hasNextPage;
  // The next page starts after the last loaded row as it was loaded: a ticket past it comes with a
  // later page (oldest update first, a change sends a loaded ticket there).
  const end = conn.nodes[conn.nodes.length - 1];
  const sinceEnd = end === undefined ? 1 : compare(ticket, end);
  const withinLoaded = !morePages || sinceEnd < 0 || (sinceEnd === 0 && end!.id === ticket.id);
  const nodes = matches && withinLoaded ? [...others, ticket].sort(compare) : others;

  // Was it in the server's list before this change?
  let counted: boolean | null;
  if (loaded) counted = true;
  else if (!morePages || (justCreated(ticket) && withinLoaded)) counted = false;
  // Oldest first, a new ticket lies past the loaded rows, as does an old one untouched since its
  // creation (read or assigned since): which it is, only the server knows.
  else if (justCreated(ticket) && (order === 'UPDATED_ASC' || order === 'CREATED_ASC')) counted = null;
  // Only the status, the assignee and the service level (with the clock) of a ticket change after its
  // creation: without a filter on any of them, it matched before as it matches now.
  else if (!filter?.status && !filter?.assigneeId && filter?.unassigned == null && filter?.notClosed == null && filter?.slaBreached == null)
    counted = matches;
  else counted = null;

  const totalCount = counted === null ? conn.totalCount : Math.max(0, conn.totalCount + Number(matches) - Number(counted));
  const unchanged = !loaded && nodes === others && totalCount === conn.totalCount;
  return { list: unchanged ? conn : { ...conn, nodes, totalCount }, countKnown: counted !== null };
}
