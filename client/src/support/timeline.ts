/**
 * The conversation as rows (docs/architecture.md §9, "The conversation"): replies grouped by sender,
 * the timeline's events as lines between them in time order, and a separator where the day changes.
 * Pure, so the order and the grouping are table-tested; the component only draws the rows.
 */
import type { ReplyLike } from './conversation';

/** What the conversation needs of a reply. */
export interface TimelineReply extends ReplyLike {
  senderName: string;
  isInternal: boolean;
}

/** What the conversation needs of a timeline event (`TicketEvent`). */
export interface TimelineEventLike {
  id: string;
  kind: 'CREATED' | 'STATUS_CHANGED' | 'ASSIGNED' | 'UNASSIGNED' | 'AUTO_CLOSED' | 'RATED';
  createdAt: string;
  actorRole?: 'CUSTOMER' | 'SUPERADMIN' | null;
  fromStatus?: string | null;
  toStatus?: string | null;
}

export type ConversationRow<R, E> =
  | { kind: 'day'; key: string; day: string }
  | { kind: 'event'; key: string; event: E; day: string }
  | { kind: 'closed'; key: string; at: string; day: string }
  | { kind: 'group'; key: string; side: 'left' | 'right'; senderName: string; replies: R[]; day: string };

export interface RowOptions {
  /** The local calendar day of an instant, e.g. "2026-03-03": where a day separator goes. */
  dayOf: (iso: string) => string;
  /** The ticket's `closedAt`: shown as its own line when no event recorded that close. */
  closedAt?: string | null;
  /**
   * Whether every reply since the ticket's first message is loaded. When only the latest page is,
   * events from before its oldest reply are held back, as their replies are.
   */
  complete: boolean;
}

/** Replies of one sender further apart than this start a new group (a new name line). */
export const GROUP_GAP_MS = 10 * 60_000;
/** Times this close belong to one change: a reply and the status change it caused, a ticket and its first message. */
const SAME_CHANGE_MS = 2_000;

const side = (r: { isAdmin: boolean }): 'left' | 'right' => (r.isAdmin ? 'right' : 'left');
const time = (iso: string) => Date.parse(iso);

/**
 * Whether an event says something the bubbles do not. CREATED is the first message itself; a reply
 * moving a ticket between Open and Answered (every reply of either side does) would put a line under
 * every bubble. Closing, reopening a closed ticket, In progress and every other kind are shown.
 */
export function isShownEvent(event: TimelineEventLike, replies: readonly TimelineReply[]): boolean {
  if (event.kind === 'CREATED') return false;
  if (event.kind !== 'STATUS_CHANGED') return true;
  if (event.toStatus === 'CLOSED' || event.fromStatus === 'CLOSED' || event.toStatus === 'IN_PROGRESS') return true;
  const byTeam = event.actorRole === 'SUPERADMIN';
  return !replies.some(
    (r) => !r.isInternal && r.isAdmin === byTeam && Math.abs(time(r.createdAt) - time(event.createdAt)) <= SAME_CHANGE_MS,
  );
}

/** Whether a close at `closedAt` has its own event (a status change to Closed, or the automatic close). */
function closeRecorded(events: readonly TimelineEventLike[], closedAt: string): boolean {
  return events.some(
    (e) =>
      (e.kind === 'AUTO_CLOSED' || (e.kind === 'STATUS_CHANGED' && e.toStatus === 'CLOSED')) &&
      Math.abs(time(e.createdAt) - time(closedAt)) <= SAME_CHANGE_MS,
  );
}

/**
 * The rows, oldest first: replies (already ordered and de-duplicated, `visibleReplies`) merged with the
 * events by time. At equal times a reply goes first, since the change it caused follows it. A group is
 * one sender's consecutive replies on one day, none further than `GROUP_GAP_MS` from the previous, with
 * no line between them; an internal note never shares a group with a reply.
 */
export function conversationRows<R extends TimelineReply, E extends TimelineEventLike>(
  replies: readonly R[],
  events: readonly E[],
  { dayOf, closedAt, complete }: RowOptions,
): ConversationRow<R, E>[] {
  const oldest = replies.length > 0 ? time(replies[0].createdAt) : -Infinity;
  const loaded = (iso: string) => complete || time(iso) >= oldest;
  type Line = { at: string; row: ConversationRow<R, E> };
  const lines: Line[] = events
    .filter((e) => loaded(e.createdAt) && isShownEvent(e, replies))
    .map((event) => ({ at: event.createdAt, row: { kind: 'event', key: `event:${event.id}`, event, day: dayOf(event.createdAt) } }));
  if (closedAt && loaded(closedAt) && !closeRecorded(events, closedAt)) {
    lines.push({ at: closedAt, row: { kind: 'closed', key: `closed:${closedAt}`, at: closedAt, day: dayOf(closedAt) } });
  }
  lines.sort((a, b) => time(a.at) - time(b.at));

  const rows: ConversationRow<R, E>[] = [];
  let lastDay: string | null = null;
  const add = (row: ConversationRow<R, E>) => {
    if (row.day !== lastDay) rows.push({ kind: 'day', key: `day:${row.day}`, day: row.day });
    lastDay = row.day;
    rows.push(row);
  };
  let line = 0;
  let previous: R | null = null;
  for (const reply of replies) {
    while (line < lines.length && time(lines[line].at) < time(reply.createdAt)) {
      add(lines[line++].row);
      previous = null;
    }
    const day = dayOf(reply.createdAt);
    const group = rows[rows.length - 1];
    const joins =
      previous !== null &&
      group.kind === 'group' &&
      group.day === day &&
      previous.isAdmin === reply.isAdmin &&
      previous.senderName === reply.senderName &&
      previous.isInternal === reply.isInternal &&
      time(reply.createdAt) - time(previous.createdAt) <= GROUP_GAP_MS;
    if (joins) group.replies.push(reply);
    else add({ kind: 'group', key: `group:${reply.id}`, side: side(reply), senderName: reply.senderName, replies: [reply], day });
    previous = reply;
  }
  while (line < lines.length) add(lines[line++].row);
  return rows;
}

/**
 * How long a ticket waited for the customer before it was closed automatically, in ms: from the last
 * change to Answered before the AUTO_CLOSED event (`events` oldest first); null when none is on record.
 */
export function waitedBeforeAutoClose(events: readonly TimelineEventLike[], autoClosed: TimelineEventLike): number | null {
  const at = time(autoClosed.createdAt);
  let answeredAt: number | null = null;
  for (const e of events) {
    if (time(e.createdAt) > at || e === autoClosed) break;
    if (e.kind === 'STATUS_CHANGED' && e.toStatus === 'ANSWERED') answeredAt = time(e.createdAt);
  }
  return answeredAt === null ? null : at - answeredAt;
}

/** The local calendar day of an instant in this browser's time zone, as YYYY-MM-DD. */
export function localDay(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Whether the loaded replies reach back to the ticket's first message, which is written with the
 * ticket (same transaction, same time): otherwise only a later page of the conversation is loaded.
 */
export function reachesFirstMessage(replies: readonly { createdAt: string }[], openedAt: string): boolean {
  return replies.length === 0 || time(replies[0].createdAt) <= time(openedAt) + SAME_CHANGE_MS;
}
