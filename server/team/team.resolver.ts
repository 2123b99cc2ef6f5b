import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role, User } from '../accounts/user.entity';
import { isSuperadmin } from '../auth/viewer';
import { Context } from '../context';
import { SupportTicket } from '../support/ticket.entity';

// Resolvers only read arguments and call the service; `@Authorized` guarantees a viewer.
const viewerOf = (context: Context) => context.viewer!;

/** Assignment: who on the Lex team owns a ticket (docs/architecture.md §8). */
@Resolver(() => SupportTicket)
export class TeamResolver {
  @Authorized(Role.SUPERADMIN)
  @Query(() => [User], { description: 'The Lex team members a ticket can be assigned to, by name; superadmin only.' })
  teamMembers(@Ctx() context: Context) {
    return context.services.team.list(viewerOf(context));
  }

  @Authorized(Role.SUPERADMIN)
  @Mutation(() => SupportTicket, {
    description: 'Assigns the ticket to a Lex team member, or to nobody; does not move updatedAt. Superadmin only.',
  })
  assignTicket(
    @Arg('id', () => ID, { description: 'The ticket to assign.' }) id: string,
    @Arg('assigneeId', () => ID, { nullable: true, description: 'A Lex team member (a SUPERADMIN); null unassigns.' })
    assigneeId: string | null,
    @Ctx() context: Context,
  ) {
    return context.services.commands.assignTicket(viewerOf(context), id, assigneeId);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The Lex team member who owns the ticket; null when unassigned, and always null for customers.',
  })
  assignee(@Root() ticket: SupportTicket, @Ctx() context: Context) {
    if (!ticket.assigneeId || !isSuperadmin(viewerOf(context))) return null;
    return context.loaders.teamMember.load(ticket.assigneeId);
  }
}
