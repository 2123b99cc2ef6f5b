import { Role } from '../accounts/user.entity';
import { Actor, LEX_TEAM, Viewer, isSuperadmin } from '../auth/viewer';
import { notFound, unauthenticated } from '../errors';
import { SupportReply } from '../support/reply.entity';
import { TicketChange, TicketChangeListener } from '../support/ticket-commands';
import { TicketCounts } from '../support/ticket-counts';
import { TicketQueries } from '../support/ticket-queries';
import { SupportTicket } from '../support/ticket.entity';
import { TicketStatus } from '../support/ticket-status';
import { EventBus } from './pubsub';
import { BadgeMessage, TopicMessage, topics } from './topics';

/**
 * Who hears about what, in one place (DESIGN.md §2): after a change commits, it is published only
 * to the topics of those allowed to see it; a subscriber only ever listens to topics it may see.
 */
export class SupportAudience implements TicketChangeListener {
  private readonly deliveries = new Set<Promise<unknown>>();

  constructor(
    private readonly bus: EventBus,
    private readonly tickets: TicketQueries,
    private readonly counts: TicketCounts,
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

  private deliver({ ticket, reply, previousStatus, readBy }: TicketChange): Promise<unknown> {
    // Replies and tickets are published at once, in the order the changes committed: one Redis
    // connection keeps that order, so subscribers see replies and statuses in commit order. Badges
    // need a count first and may arrive in any order; `asOf` sorts them out for the subscriber.
    const sent: Promise<unknown>[] = [];
    const publish = (topic: string, message: TopicMessage) => sent.push(this.bus.publish(topic, message));
    if (reply) publish(topics.ticket(ticket.id), { type: 'reply', reply });
    for (const topic of [topics.ticket(ticket.id), topics.user(ticket.userId), topics.admins]) {
      publish(topic, { type: 'ticket', ticket });
    }
    // Any reply moves the customer's count: the Lex team's adds one, the customer's own marks the
    // conversation read (TicketCommands.replyToTicket).
    if (reply || readBy === 'customer') {
      sent.push(this.badge({ id: ticket.userId, role: Role.CUSTOMER }).then((badge) => this.bus.publish(topics.user(ticket.userId), badge)));
    }
    if ((previousStatus === TicketStatus.OPEN) !== (ticket.status === TicketStatus.OPEN)) {
      sent.push(this.badge(LEX_TEAM).then((badge) => this.bus.publish(topics.admins, badge)));
    }
    return Promise.all(sent);
  }

  private async badge(actor: Actor): Promise<BadgeMessage> {
    return { type: 'badge', ...(await this.counts.badge(actor)) };
  }

  /** Replies as they are written, for the ticket's owner and the Lex team. */
  async replies(viewer: Viewer | null, ticketId: string): Promise<AsyncIterableIterator<SupportReply>> {
    await this.requireTicket(viewer, ticketId);
    const stream = await this.bus.stream<TopicMessage>(topics.ticket(ticketId));
    return select(stream, (message) => (message.type === 'reply' ? message.reply : undefined));
  }

  /** Changes to one ticket, or to every ticket the viewer may see. */
  async ticketUpdates(viewer: Viewer | null, ticketId?: string | null): Promise<AsyncIterableIterator<SupportTicket>> {
    const who = requireViewer(viewer);
    if (ticketId) await this.requireTicket(who, ticketId);
    const topic = ticketId ? topics.ticket(ticketId) : isSuperadmin(who) ? topics.admins : topics.user(who.id);
    const stream = await this.bus.stream<TopicMessage>(topic);
    return select(stream, (message) => (message.type === 'ticket' ? message.ticket : undefined));
  }

  /** The current badge first, then each change; an older count never follows a newer one. */
  async badges(viewer: Viewer | null): Promise<AsyncIterableIterator<number>> {
    const who = requireViewer(viewer);
    const stream = await this.bus.stream<TopicMessage>(isSuperadmin(who) ? topics.admins : topics.user(who.id));
    let last = await this.counts.badge(who);
    const changes = select(stream, (message) => {
      if (message.type !== 'badge' || message.asOf < last.asOf) return undefined;
      const changed = message.count !== last.count;
      last = message;
      return changed ? message.count : undefined;
    });
    return startWith(last.count, changes);
  }

  private async requireTicket(viewer: Viewer | null, ticketId: string) {
    // Someone else's ticket looks exactly like one that does not exist.
    if (!(await this.tickets.getTicket(requireViewer(viewer), ticketId))) throw notFound();
  }
}

function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
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
