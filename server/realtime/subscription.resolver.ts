import { Arg, Ctx, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import { Context } from '../context';
import { SupportReply } from '../support/reply.entity';
import { SupportTicket } from '../support/ticket.entity';

// Who may listen to what is decided by SupportAudience; these only name the streams.
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => SupportReply, {
    description: "Replies to one ticket as they are written; for the ticket's owner and superadmins",
    subscribe: ({ args, context }) => (context as Context).services.audience.replies((context as Context).viewer, args.ticketId),
  })
  replyAdded(@Root() reply: SupportReply, @Arg('ticketId', () => ID, { description: 'The ticket to listen to.' }) _ticketId: string): SupportReply {
    return reply;
  }

  @Subscription(() => SupportTicket, {
    description: 'Every change to a ticket the viewer may see; to one ticket when ticketId is given',
    subscribe: ({ args, context }) =>
      (context as Context).services.audience.ticketUpdates((context as Context).viewer, args.ticketId),
  })
  ticketUpdated(
    @Root() ticket: SupportTicket,
    @Arg('ticketId', () => ID, { nullable: true, description: 'One ticket; every ticket the viewer may see when omitted.' }) _ticketId?: string,
  ): SupportTicket {
    return ticket;
  }

  @Subscription(() => Int, {
    description: "The viewer's navigation badge: the current value first, then each change",
    subscribe: ({ context }) => (context as Context).services.audience.badges((context as Context).viewer),
  })
  supportBadge(@Root() count: number, @Ctx() _context: Context): number {
    return count;
  }
}
