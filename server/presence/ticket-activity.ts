import { Viewer, isSuperadmin } from '../auth/viewer';
import { forbidden, notFound, unauthenticated } from '../errors';
import { EventBus } from '../realtime/pubsub';
import { topics } from '../realtime/topics';
import { RateLimits } from '../security/rate-limits';
import { TicketQueries } from '../support/ticket-queries';
import { ActivityEntry, ActivityStore } from './activity-store';
import { ActivityPerson, TicketActivity } from './activity.types';

/** A page reports every ~10 s; it counts as gone ~30 s after its last report, a typist ~6 s after. */
export const VIEWING_MS = 30_000;
export const TYPING_MS = 6_000;

/**
 * What a subscriber may know of a ticket page (docs/architecture.md §8): the Lex team sees everyone
 * viewing and typing, notes included; a customer sees only team members typing a public reply.
 */
export function activitySeenBy(viewer: Viewer, ticketId: string, entries: ActivityEntry[], now: number): TicketActivity {
  const person = ({ id, name, isAdmin, internal, typingUntil }: ActivityEntry): ActivityPerson => ({
    id,
    name,
    isAdmin,
    internal: internal && typingUntil > now,
  });
  const typing = entries.filter((entry) => entry.typingUntil > now);
  if (isSuperadmin(viewer)) return { ticketId, viewers: entries.map(person), typing: typing.map(person) };
  return { ticketId, viewers: [], typing: typing.filter((entry) => entry.isAdmin && !entry.internal).map(person) };
}

/** When the state next changes by itself (an expiry), or undefined when nothing will expire. */
const nextExpiry = (entries: ActivityEntry[], now: number) => {
  const times = entries.flatMap((entry) => [entry.seenUntil, entry.typingUntil]).filter((time) => time > now);
  return times.length ? Math.min(...times) : undefined;
};

/** Who is viewing and typing on each ticket page, reported by the pages and told live to the others. */
export class TicketActivityService {
  constructor(
    private readonly store: ActivityStore,
    private readonly bus: EventBus,
    private readonly tickets: TicketQueries,
    private readonly rateLimits: RateLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  async report(viewer: Viewer, ticketId: string, typing: boolean, internal: boolean): Promise<boolean> {
    // Refused before the ticket is looked at, so that the answer says nothing about it.
    if (internal && !isSuperadmin(viewer)) throw forbidden('Only the Lex team writes internal notes');
    await this.rateLimits.consume('activity', viewer.id);
    const now = this.clock();
    // A page whose entry is still there passed this check at most 30 s ago, and a ticket never changes
    // hands: its heartbeats leave the database alone (a transaction each was most of their cost).
    if (!(await this.store.has(ticketId, viewer.id, now))) await this.requireTicket(viewer, ticketId);
    const entry: ActivityEntry = {
      id: viewer.id,
      name: viewer.name,
      isAdmin: isSuperadmin(viewer),
      seenUntil: now + VIEWING_MS,
      typingUntil: typing ? now + TYPING_MS : 0,
      internal: typing && internal,
    };
    const previous = await this.store.put(ticketId, entry, now);
    // A heartbeat that only extends what others see changes nothing for them: no event.
    const wasTyping = Boolean(previous && previous.typingUntil > now);
    if (!previous || wasTyping !== typing || previous.internal !== entry.internal) {
      await this.bus.publish(topics.ticketActivity(ticketId), { type: 'activity' });
    }
    return true;
  }

  /** The current state first, then each change as the viewer sees it, expiries included. */
  async watch(viewer: Viewer | null, ticketId: string): Promise<AsyncIterableIterator<TicketActivity>> {
    if (!viewer) throw unauthenticated();
    await this.requireTicket(viewer, ticketId);
    // The messages only say "look again": what a subscriber sees is always read and filtered for them.
    const nudges = await this.bus.stream<unknown>(topics.ticketActivity(ticketId));
    let pending: Promise<IteratorResult<unknown>> | undefined;
    let last: string | undefined;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let open = true;

    const next = async (): Promise<IteratorResult<TicketActivity>> => {
      while (open) {
        const now = this.clock();
        const entries = await this.store.read(ticketId, now);
        const seen = activitySeenBy(viewer, ticketId, entries, now);
        const key = JSON.stringify(seen);
        if (key !== last) {
          last = key;
          return { value: seen, done: false };
        }
        const expiry = nextExpiry(entries, now);
        let timer: NodeJS.Timeout | undefined;
        const expired =
          expiry === undefined
            ? new Promise<never>(() => undefined)
            : new Promise<void>((resolve) => (timer = setTimeout(resolve, expiry - now + 5)));
        pending ??= nudges.next();
        const woke = await Promise.race([pending.then((result) => ({ result })), expired.then(() => null), stopped.then(() => null)]);
        clearTimeout(timer);
        if (woke) {
          pending = undefined;
          if (woke.result.done) break;
        }
      }
      return { value: undefined, done: true };
    };
    const end = async (): Promise<IteratorResult<TicketActivity>> => {
      open = false;
      stop();
      await nudges.return?.();
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<TicketActivity> = { next, return: end, [Symbol.asyncIterator]: () => iterator };
    return iterator;
  }

  private async requireTicket(viewer: Viewer, ticketId: string) {
    // Someone else's ticket looks exactly like one that does not exist.
    if (!(await this.tickets.getTicket(viewer, ticketId))) throw notFound();
  }

  close() {
    this.store.close();
  }
}
