import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { isSuperadmin } from '../auth/viewer';
import { Context } from '../context';
import { SupportTicket } from '../support/ticket.entity';
import { SlaState } from './lifecycle.types';
import { slaStateOf } from './sla';
import { TimelineEvent } from './ticket-event.entity';

/** A ticket's timeline and service level (docs/architecture.md §10). */
@Resolver(() => SupportTicket)
export class LifecycleResolver {
  @FieldResolver(() => [TimelineEvent], {
    description:
      'What happened to the ticket, oldest first. Customers get CREATED, STATUS_CHANGED, AUTO_CLOSED and RATED, without team members’ names.',
  })
  events(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context) {
    return loaders.events.load(ticket.id);
  }

  @FieldResolver(() => SlaState, { nullable: true, description: 'The first-response service level; Lex team only (null for customers).' })
  sla(@Root() ticket: SupportTicket, @Ctx() context: Context) {
    return isSuperadmin(context.viewer!) ? slaStateOf(ticket, new Date()) : null;
  }
}
