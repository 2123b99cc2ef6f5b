import { Role } from '../accounts/user.entity';
import { LEX_TEAM, Viewer, isSuperadmin } from '../auth/viewer';
import { notFound } from '../errors';
import { SupportReply } from '../support/reply.entity';
import type { TicketChange, TicketChangeListener } from '../support/ticket-commands';
import type { TicketCounts } from '../support/ticket-counts';
import type { TicketQueries } from '../support/ticket-queries';
import { SupportTicket } from '../support/ticket.entity';
import { TicketStatus } from '../support/ticket-status';
import { EventBus } from './pubsub';
import { topics } from './topics';

/**
 * Who hears about what, in one place (docs/architecture.md): after a change commits, it is published
 * only to the topics of those allowed to see it; a subscriber only ever listens to topics it may see,
 * named after the ticket as read for it (so the id's case in the request does not matter).
 */
export class SupportAudience implements TicketChangeListener {
  private readonly deliveries = new Set<Promise<unknown>>();

  constructor(
    private readonly bus: EventBus,
    private readonly tickets: Pick<TicketQueries, 'getTicket'>,
    private readonly counts: Pick<TicketCounts, 'badge'>,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  ticketChanged(change: TicketChange): void {
    // Writes never wait for the events they cause.
    const delivery = this.deliver(change)
      .catch((error) => this.log(`could not publish the change of ticket ${change.ticket.id}`, error))
      .finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** Resolves once every change reported so far has been published (or failed to be): for shutdown. */
  async idle(): Promise<void> {
    while (this.deliveries.size) await Promise.all(this.deliveries);
  }

  private deliver({ ticket, reply, previousStatus, readBy, teamOnly }: TicketChange): Promise<unknown> {
    // Replies and tickets are published at once, in the order the changes committed: one Redis
    // connection keeps that order, so subscribers see replies and statuses in commit order. Badges
    // need a count first and may arrive in any order; `asOf` sorts them out for the subscriber.
    const sent: Promise<unknown>[] = [];
    // The team's side of a ticket hears everything; a note or an assignment goes nowhere else, as it
    // changed nothing a customer sees (docs/architecture.md §8).
    if (reply) sent.push(this.bus.publish(topics.ticketForTeam(ticket.id), { type: 'reply', reply }));
    if (reply?.isInternal) return Promise.all(sent);
    sent.push(this.bus.publish(topics.ticketForTeam(ticket.id), { type: 'ticket', ticket }), this.bus.publish(topics.admins, ticket));
    if (teamOnly) return Promise.all(sent);
    if (reply) sent.push(this.bus.publish(topics.ticket(ticket.id), { type: 'reply', reply }));
    sent.push(this.bus.publish(topics.ticket(ticket.id), { type: 'ticket', ticket }), this.bus.publish(topics.user(ticket.userId), ticket));
    // Any reply moves the customer's count: the Lex team's adds one, the customer's own marks the
    // conversation read (TicketCommands.replyToTicket).
    if (reply || readBy === 'customer') {
      sent.push(
        this.counts
          .badge({ id: ticket.userId, role: Role.CUSTOMER })
          .then((badge) => this.bus.publish(topics.userBadge(ticket.userId), badge)),
      );
    }
    if ((previousStatus === TicketStatus.OPEN) !== (ticket.status === TicketStatus.OPEN)) {
      sent.push(this.counts.badge(LEX_TEAM).then((badge) => this.bus.publish(topics.adminBadge, badge)));
    }
    return Promise.all(sent);
  }

  /** Replies as they are written, for the ticket's owner (public ones) and the Lex team (notes too). */
  async replies(viewer: Viewer, ticketId: string): Promise<AsyncIterableIterator<SupportReply>> {
    const stream = await this.bus.stream(this.ticketTopic(viewer, await this.visibleTicket(viewer, ticketId)));
    return select(stream, (message) => (message.type === 'reply' ? message.reply : undefined));
  }

  /** Changes to one ticket, or to every ticket the viewer may see. */
  async ticketUpdates(viewer: Viewer, ticketId?: string | null): Promise<AsyncIterableIterator<SupportTicket>> {
    if (!ticketId) return this.bus.stream(isSuperadmin(viewer) ? topics.admins : topics.user(viewer.id));
    const stream = await this.bus.stream(this.ticketTopic(viewer, await this.visibleTicket(viewer, ticketId)));
    return select(stream, (message) => (message.type === 'ticket' ? message.ticket : undefined));
  }

  /** The current badge first, then each change; an older count never follows a newer one. */
  async badges(viewer: Viewer): Promise<AsyncIterableIterator<number>> {
    const stream = await this.bus.stream(isSuperadmin(viewer) ? topics.adminBadge : topics.userBadge(viewer.id));
    let last = await this.counts.badge(viewer);
    const changes = select(stream, (message) => {
      if (message.asOf < last.asOf) return undefined;
      const changed = message.count !== last.count;
      last = message;
      return changed ? message.count : undefined;
    });
    return startWith(last.count, changes);
  }

  /** The team listens to its side of a ticket, which also carries notes and assignments. */
  private ticketTopic(viewer: Viewer, { id }: SupportTicket) {
    return isSuperadmin(viewer) ? topics.ticketForTeam(id) : topics.ticket(id);
  }

  private async visibleTicket(viewer: Viewer, ticketId: string): Promise<SupportTicket> {
    // Someone else's ticket looks exactly like one that does not exist.
    const ticket = await this.tickets.getTicket(viewer, ticketId);
    if (!ticket) throw notFound();
    return ticket;
  }
}

/** Maps a stream, dropping what `pick` leaves undefined; ending it ends the source. */
function select<T, U>(source: AsyncIterableIterator<T>, pick: (value: T) => U | undefined): AsyncIterableIterator<U> {
  return {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) return { value: undefined, done: true };
        const value = pick(result.value);
        if (value !== undefined) return { value, done: false };
      }
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function startWith<T>(first: T, rest: AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  let sent = false;
  return {
    next: () => {
      if (sent) return rest.next();
      sent = true;
      return Promise.resolve({ value: first, done: false });
    },
    return: async () => {
      await rest.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
