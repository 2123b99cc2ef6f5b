/**
 * Whether a Lex team member about to send a public reply should be warned first
 * (docs/architecture.md §8): a colleague is typing on the same ticket, or someone else wrote on it
 * since the composer was opened or focused. Pure: the composer passes what it knows.
 */

export interface CollisionReply {
  id: string;
  isAdmin: boolean;
  isInternal: boolean;
  senderName: string;
  createdAt: string;
}

export interface CollisionTypist {
  id: string;
  name: string;
  isAdmin: boolean;
  internal: boolean;
}

export type Collision =
  { kind: 'typing'; name: string; internal: boolean } | { kind: 'reply'; name: string; at: string; internal: boolean; customer: boolean };

export interface CollisionInput {
  /** The conversation now, oldest first, optimistic copies included. */
  replies: readonly CollisionReply[];
  /** The ids of the replies there were when the composer was opened or last focused. */
  seen: ReadonlySet<string>;
  /** Replies this composer sent itself (they are not someone else's). */
  own: ReadonlySet<string>;
  /** Who is typing on the ticket now, as the presence subscription tells it. */
  typing: readonly CollisionTypist[];
  viewer: { id: string; name: string };
  /** Sending an internal note: notes never warn, only what the customer reads can collide. */
  internal: boolean;
}

const optimistic = (id: string) => id.startsWith('optimistic:');

/** The warning to show before sending, or null to send at once. A new reply is named before a typist. */
export function collisionBefore({ replies, seen, own, typing, viewer, internal }: CollisionInput): Collision | null {
  if (internal) return null;
  const mine = (r: CollisionReply) => own.has(r.id) || optimistic(r.id) || (r.isAdmin && r.senderName === viewer.name);
  const newer = replies.filter((r) => !seen.has(r.id) && !mine(r));
  const latest = newer[newer.length - 1];
  if (latest) {
    return { kind: 'reply', name: latest.senderName, at: latest.createdAt, internal: latest.isInternal, customer: !latest.isAdmin };
  }
  const colleague = typing.find((p) => p.isAdmin && p.id !== viewer.id);
  return colleague ? { kind: 'typing', name: colleague.name, internal: colleague.internal } : null;
}
