import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Tenant } from '../accounts/tenant.entity';
import { Role } from '../accounts/user.entity';
import { isSuperadmin } from '../auth/viewer';
import { Context } from '../context';
import { RateLimited } from '../security/rate-limits';
import { SupportReply } from './reply.entity';
import { CreateTicketInput, ReplyToTicketInput, SupportStats, SupportTicketConnection, SupportTicketFilter } from './support.types';
import { SupportTicket } from './ticket.entity';
import { TicketStatus } from './ticket-status';

// Resolvers only read arguments and call the service; `@Authorized` guarantees a viewer.
const viewerOf = (context: Context) => context.viewer!;

@Resolver(() => SupportTicket)
export class TicketResolver {
  @Authorized()
  @Query(() => SupportTicketConnection, { description: "The viewer's own tickets, most recently updated first" })
  myTickets(
    @Ctx() context: Context,
    @Arg('status', () => TicketStatus, { nullable: true }) status?: TicketStatus,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return context.services.tickets.listTickets(viewerOf(context), { filter: { status }, first, after, mine: true });
  }

  @Authorized()
  @Query(() => SupportTicket, { nullable: true, description: 'For its owner or a superadmin; null otherwise' })
  supportTicket(@Arg('id', () => ID) id: string, @Ctx() context: Context) {
    return context.services.tickets.getTicket(viewerOf(context), id);
  }

  @Authorized(Role.SUPERADMIN)
  @Query(() => SupportTicketConnection, { description: 'Every ticket of every tenant, most recently updated first' })
  supportTickets(
    @Ctx() context: Context,
    @Arg('filter', () => SupportTicketFilter, { nullable: true }) filter?: SupportTicketFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return context.services.tickets.listTickets(viewerOf(context), { filter, first, after });
  }

  @Authorized(Role.SUPERADMIN)
  @Query(() => SupportStats)
  supportStats(@Ctx() context: Context) {
    return context.services.counts.stats(viewerOf(context));
  }

  @Authorized()
  @Query(() => Int, { description: "The customer's badge: Lex-team replies not read yet" })
  unreadReplyCount(@Ctx() context: Context) {
    return context.services.counts.unreadReplyCount(viewerOf(context));
  }

  @Authorized()
  @RateLimited('createTicket')
  @Mutation(() => SupportTicket)
  createTicket(@Arg('input') input: CreateTicketInput, @Ctx() context: Context) {
    return context.services.commands.createTicket(viewerOf(context), input);
  }

  @Authorized()
  @RateLimited('reply')
  @Mutation(() => SupportReply)
  replyToTicket(@Arg('input') input: ReplyToTicketInput, @Ctx() context: Context) {
    return context.services.commands.replyToTicket(viewerOf(context), input);
  }

  @Authorized()
  @Mutation(() => SupportTicket)
  closeTicket(@Arg('id', () => ID) id: string, @Ctx() context: Context) {
    return context.services.commands.closeTicket(viewerOf(context), id);
  }

  @Authorized(Role.SUPERADMIN)
  @Mutation(() => SupportTicket)
  setTicketStatus(@Arg('id', () => ID) id: string, @Arg('status', () => TicketStatus) status: TicketStatus, @Ctx() context: Context) {
    return context.services.commands.setTicketStatus(viewerOf(context), id, status);
  }

  @Authorized()
  @Mutation(() => SupportTicket)
  markTicketRead(@Arg('id', () => ID) id: string, @Ctx() context: Context) {
    return context.services.commands.markTicketRead(viewerOf(context), id);
  }

  @FieldResolver(() => Tenant)
  tenant(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context) {
    return loaders.tenant.load(ticket.tenantId);
  }

  @FieldResolver(() => [SupportReply], { description: 'Oldest first' })
  replies(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context) {
    return loaders.replies.load(ticket.id);
  }

  @FieldResolver(() => SupportReply, { nullable: true })
  lastReply(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context) {
    return loaders.lastReply.load(ticket.id);
  }

  @FieldResolver(() => Int, { description: 'Replies from the other side the viewer has not read' })
  unreadCount(@Root() ticket: SupportTicket, @Ctx() context: Context) {
    return isSuperadmin(viewerOf(context)) ? ticket.adminUnreadCount : ticket.customerUnreadCount;
  }
}
