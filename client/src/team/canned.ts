/**
 * Canned replies in the composer (docs/architecture.md §8): where typing `/` opens the picker,
 * which replies match what is searched, and the body with its variables filled in. Pure.
 */
import { fillVariables } from '../../../server/team/canned-variables';

/** Where the team manages them. */
export const CANNED_REPLIES_PATH = '/admin/support/canned-replies';

export interface CannedReplyLike {
  id: string;
  title: string;
  body: string;
}

/** What the variables stand for in one conversation. */
export interface CannedContext {
  customerName: string;
  ticketNumber: number;
  agentName: string;
}

/** "Ella Jansen" → "Ella"; a one-word name is its own first name. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/** The body as it goes into the composer. The ticket number without `#`, so that a body may write `#{{ticket.number}}`. */
export function fillCannedReply(body: string, { customerName, ticketNumber, agentName }: CannedContext): string {
  const tidy = (name: string) => name.trim().replace(/\s+/g, ' ');
  return fillVariables(body, {
    'customer.name': tidy(customerName),
    'customer.firstName': firstName(customerName),
    'ticket.number': String(ticketNumber),
    'agent.name': tidy(agentName),
  });
}

/**
 * Where the `/` that opens the picker is, when `next` is `previous` with one `/` typed just before
 * `caret` at the start of a word (at the start of the text or after a space or line break); else null.
 * A `/` inside a word ("and/or", a URL) or pasted with other text opens nothing.
 */
export function slashTyped(previous: string, next: string, caret: number): number | null {
  const at = caret - 1;
  if (next.length !== previous.length + 1 || at < 0 || next[at] !== '/') return null;
  if (next.slice(0, at) + next.slice(caret) !== previous) return null;
  return at === 0 || /\s/.test(next[at - 1]) ? at : null;
}

/** Replies whose title (first) or body contains every word searched, ignoring case; all of them for an empty search. */
export function matchCannedReplies<T extends CannedReplyLike>(replies: readonly T[], search: string): T[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const has = (text: string) => words.every((word) => text.toLowerCase().includes(word));
  const byTitle = replies.filter((r) => has(r.title));
  return [...byTitle, ...replies.filter((r) => !byTitle.includes(r) && has(r.body))];
}

/** The text with the `/` at `slashAt` replaced by `body`, and where the caret goes after it. */
export function insertAtSlash(text: string, slashAt: number, body: string): { text: string; caret: number } {
  const before = text.slice(0, slashAt);
  return { text: before + body + text.slice(slashAt + 1), caret: before.length + body.length };
}
