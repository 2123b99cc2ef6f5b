import { Arg, Authorized, Ctx, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { Context } from '../context';
import { TicketActivity } from './activity.types';

// Resolvers only read arguments and call the service; `@Authorized` guarantees a viewer.
const viewerOf = (context: Context) => context.viewer!;

@Resolver(() => TicketActivity)
export class ActivityResolver {
  @Authorized()
  @Mutation(() => Boolean, { description: 'Sent by an open ticket page every ~10 s and when typing starts or stops; rate-limited.' })
  reportTicketActivity(
    @Arg('ticketId', () => ID, { description: 'The ticket whose page is open.' }) ticketId: string,
    @Arg('typing', { description: 'True while the viewer is typing in the composer.' }) typing: boolean,
    @Arg('internal', { defaultValue: false, description: 'True when what is typed is an internal note; Lex team only.' }) internal: boolean,
    @Ctx() context: Context,
  ) {
    return context.services.activity.report(viewerOf(context), ticketId, typing, internal);
  }

  @Subscription(() => TicketActivity, {
    description: 'Who is viewing and typing on a ticket page: the current state first, then each change, expiries included',
    subscribe: ({ args, context }) => (context as Context).services.activity.watch((context as Context).viewer, args.ticketId),
  })
  ticketActivity(
    @Root() activity: TicketActivity,
    @Arg('ticketId', () => ID, { description: 'The ticket to watch.' }) _ticketId: string,
  ): TicketActivity {
    return activity;
  }
}
