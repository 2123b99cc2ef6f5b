import type { SupportTicketFilter, SupportTicketOrder } from '../gql/graphql';
import { isCategory, isStatus } from '../support/status';

export type View = 'mine' | 'unassigned' | 'overdue';
export const VIEWS: readonly View[] = ['mine', 'unassigned', 'overdue'];
export const isView = (value: string | null): value is View => (VIEWS as readonly string[]).includes(value ?? '');

export const ORDERS: readonly SupportTicketOrder[] = ['UPDATED_DESC', 'UPDATED_ASC', 'CREATED_DESC', 'CREATED_ASC'];
const DEFAULT_ORDER: SupportTicketOrder = 'UPDATED_DESC';
const isOrder = (value: string | null): value is SupportTicketOrder => (ORDERS as readonly string[]).includes(value ?? '');

/**
 * The filter as the URL holds it (?view=mine&status=OPEN&category=BILLING&q=…), so views can be
 * shared; "Mine" is the tickets of whoever opens the link.
 */
export function filterFromParams(params: URLSearchParams, viewerId: string): SupportTicketFilter {
  const view = params.get('view');
  const status = params.get('status');
  const category = params.get('category');
  const q = params.get('q')?.trim();
  const filter: SupportTicketFilter = {};
  if (view === 'mine') filter.assigneeId = viewerId;
  if (view === 'unassigned') filter.unassigned = true;
  if (view === 'overdue') filter.slaBreached = true;
  // the views are open work, as their counts are, unless a status is asked for
  if (isView(view) && !isStatus(status)) filter.notClosed = true;
  if (isStatus(status)) filter.status = status;
  if (isCategory(category)) filter.category = category;
  // "#1234" means ticket 1234
  if (q) filter.search = q.replace(/^#(\d+)$/, '$1');
  return filter;
}

/** The order as the URL holds it (?sort=CREATED_ASC); the default, last update first, is left out. */
export const orderFromParams = (params: URLSearchParams): SupportTicketOrder => {
  const sort = params.get('sort');
  return isOrder(sort) ? sort : DEFAULT_ORDER;
};

/**
 * The team's ticket page remembers the list it was opened from (?list=<the dashboard's query>), so
 * that "Next ticket" follows that list, and a reload or a shared link keeps it.
 */
export const LIST_PARAM = 'list';

export const ticketPathInList = (ticketId: string, listParams: URLSearchParams) =>
  `/admin/support/${ticketId}?${new URLSearchParams({ [LIST_PARAM]: listParams.toString() })}`;

/** The dashboard's query the ticket page was opened from, or null when it was not opened from a list. */
export function listParamsOf(ticketPageParams: URLSearchParams): URLSearchParams | null {
  const list = ticketPageParams.get(LIST_PARAM);
  return list === null ? null : new URLSearchParams(list);
}

/**
 * The ticket after `currentId` in a list's loaded rows. Once the current one has left the list (closed
 * in a list of open work), the one that followed it (`followed`, remembered), or else the list's first.
 */
export function nextInList<T extends { id: string }>(nodes: readonly T[], currentId: string, followed: string | null): T | null {
  const at = nodes.findIndex((n) => n.id === currentId);
  if (at >= 0) return nodes[at + 1] ?? null;
  return nodes.find((n) => n.id === followed) ?? nodes[0] ?? null;
}
