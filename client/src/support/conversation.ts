/**
 * The conversation's order and de-duplication, kept pure so that a reply
 * arriving twice (mutation result, subscription event, refetch after a
 * reconnect) is shown once, in order. The cache's type policy for
 * `SupportTicket.replies` (apollo.ts) applies `mergeReplies` to every write.
 */

export const OPTIMISTIC_PREFIX = 'optimistic:';

export interface ReplyLike {
  id: string;
  createdAt: string;
  isAdmin: boolean;
  message: string;
}

export function isOptimistic(reply: { id: string }): boolean {
  return reply.id.startsWith(OPTIMISTIC_PREFIX);
}

/** What orders replies. */
export type ReplyKey = Pick<ReplyLike, 'id' | 'createdAt'>;

/** Oldest first; ties broken by id so the order is stable everywhere. */
export function compareReplies(a: ReplyKey, b: ReplyKey): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return ta - tb;
  // an optimistic reply goes after a confirmed one written at the same instant
  if (isOptimistic(a) !== isOptimistic(b)) return isOptimistic(a) ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Union by id (the later copy wins), sorted oldest first. `key` reads an item's id and time: the
 * cache passes references to normalised replies, tests pass replies.
 */
export function mergeReplies<T>(existing: readonly T[], incoming: readonly T[], key: (item: T) => ReplyKey = (r) => r as ReplyKey): T[] {
  const byId = new Map<string, { item: T; key: ReplyKey }>();
  for (const item of [...existing, ...incoming]) {
    const k = key(item);
    byId.set(k.id, { item, key: k });
  }
  return [...byId.values()].sort((a, b) => compareReplies(a.key, b.key)).map(({ item }) => item);
}

/** How far a server clock may trail the browser's when matching twins. */
export const TWIN_SKEW_MS = 5_000;

/**
 * What to render: the replies (merged and ordered by the cache) without an optimistic copy whose
 * confirmed twin (same side, same text, written no earlier than the
 * optimistic one minus a little clock skew) is already there. That window
 * exists when the subscription event for one's own reply arrives before the
 * mutation's response; Apollo drops the optimistic copy once the mutation
 * settles.
 */
export function visibleReplies<T extends ReplyLike>(replies: readonly T[]): T[] {
  const confirmed = replies.filter((r) => !isOptimistic(r));
  const used = new Set<string>();
  return replies.filter((r) => {
    if (!isOptimistic(r)) return true;
    const twin = confirmed.find(
      (c) =>
        !used.has(c.id) &&
        c.isAdmin === r.isAdmin &&
        c.message === r.message &&
        Date.parse(c.createdAt) >= Date.parse(r.createdAt) - TWIN_SKEW_MS,
    );
    if (twin) {
      used.add(twin.id);
      return false;
    }
    return true;
  });
}

/** Replies in `next` that were not in `prev` (by id), e.g. to announce them. */
export function newReplies<T extends { id: string }>(prev: readonly T[], next: readonly T[]): T[] {
  const seen = new Set(prev.map((r) => r.id));
  return next.filter((r) => !seen.has(r.id));
}

/** Whether a scroll box is (nearly) at its bottom. */
export function isNearBottom(scrollTop: number, clientHeight: number, scrollHeight: number, threshold = 80): boolean {
  return scrollHeight - (scrollTop + clientHeight) <= threshold;
}
