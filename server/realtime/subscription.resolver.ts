import { Args, ArgsType, Authorized, Field, ID, Int, Resolver, Root, SubscribeResolverData, Subscription } from 'type-graphql';
import { Context } from '../context';
import { SupportReply } from '../support/reply.entity';
import { SupportTicket } from '../support/ticket.entity';

@ArgsType()
export class TicketSubscriptionArgs {
  @Field(() => ID, { description: 'The ticket to listen to.' })
  ticketId!: string;
}

@ArgsType()
export class TicketUpdatesArgs {
  @Field(() => ID, { nullable: true, description: 'One ticket; every ticket the viewer may see when omitted.' })
  ticketId?: string | null;
}

type Subscribe<Args> = SubscribeResolverData<unknown, Args, Context>;

// `@Authorized` guarantees a viewer before `subscribe` runs; who may listen to what is decided by
// SupportAudience, and these only name the streams.
@Resolver()
export class SubscriptionResolver {
  @Authorized()
  @Subscription(() => SupportReply, {
    description: "Replies to one ticket as they are written; for the ticket's owner and superadmins",
    subscribe: ({ args, context }: Subscribe<TicketSubscriptionArgs>) => context.services.audience.replies(context.viewer!, args.ticketId),
  })
  replyAdded(@Root() reply: SupportReply, @Args() _args: TicketSubscriptionArgs): SupportReply {
    return reply;
  }

  @Authorized()
  @Subscription(() => SupportTicket, {
    description: 'Every change to a ticket the viewer may see; to one ticket when ticketId is given',
    subscribe: ({ args, context }: Subscribe<TicketUpdatesArgs>) => context.services.audience.ticketUpdates(context.viewer!, args.ticketId),
  })
  ticketUpdated(@Root() ticket: SupportTicket, @Args() _args: TicketUpdatesArgs): SupportTicket {
    return ticket;
  }

  @Authorized()
  @Subscription(() => Int, {
    description: "The viewer's navigation badge: the current value first, then each change",
    subscribe: ({ context }: Subscribe<object>) => context.services.audience.badges(context.viewer!),
  })
  supportBadge(@Root() count: number): number {
    return count;
  }
}
