import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Extensions, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Tenant } from '../accounts/tenant.entity';
import { Role } from '../accounts/user.entity';
import { isSuperadmin } from '../auth/viewer';
import { Context, primeLoaders } from '../context';
import { argumentsOfSelected, selectedFields } from '../selection';
import { MAX_CUSTOMER_TICKETS, MAX_PAGE_SIZE, MAX_REPLIES_PAGE_SIZE } from '../contract';
import type { PagedFieldExtensions } from '../security/query-cost';
import { RateLimited } from '../security/rate-limits';
import { SupportReply } from './reply.entity';
import {
  CreateTicketInput,
  RepliesPageArgs,
  ReplyToTicketInput,
  SupportStats,
  SupportTicketConnection,
  SupportTicketFilter,
  TicketPageArgs,
} from './support.types';
import { SupportTicket } from './ticket.entity';
import { SupportTicketOrder } from './ticket-order';
import type { ListOptions } from './ticket-queries';
import { TicketStatus } from './ticket-status';

// Resolvers only read arguments and call the service; `@Authorized` guarantees a viewer.
const viewerOf = (context: Context) => context.viewer!;

/** A list whose nodes' tenant and newest reply, when the request selects them, come with the page. */
async function listPage(context: Context, info: GraphQLResolveInfo, options: ListOptions) {
  const nested = selectedFields(info, 'nodes');
  const page = await context.services.tickets.listTickets(viewerOf(context), {
    ...options,
    with: { tenant: nested.has('tenant'), lastReply: nested.has('lastReply') },
  });
  primeLoaders(context.loaders, page.nodes);
  return page;
}

@Resolver(() => SupportTicket)
export class TicketResolver {
  @Authorized()
  @Query(() => SupportTicketConnection, { description: "The viewer's own tickets, most recently updated first" })
  // Priced by the cost rule as pages of `first` tickets.
  @Extensions({ pageSize: MAX_PAGE_SIZE } satisfies PagedFieldExtensions)
  myTickets(
    @Ctx() context: Context,
    @Arg('status', () => TicketStatus, { nullable: true, description: 'Only tickets in this status.' }) status: TicketStatus | undefined,
    @Args() { first, after }: TicketPageArgs,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listPage(context, info, { filter: { status }, first, after, mine: true });
  }

  @Authorized()
  @Query(() => SupportTicket, { nullable: true, description: 'For its owner or a superadmin; null otherwise' })
  async supportTicket(
    @Arg('id', () => ID, { description: 'The ticket id (a UUID).' }) id: string,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    // Its tenant and the page of its conversation the request selects come with it.
    const replies = argumentsOfSelected(info, 'replies') as RepliesPageArgs | null;
    const nested = { tenant: selectedFields(info).has('tenant'), replies: replies ?? undefined };
    const ticket = await context.loaders.ticket(nested).load(id);
    if (ticket) primeLoaders(context.loaders, [ticket], nested.replies);
    return ticket;
  }

  @Authorized(Role.SUPERADMIN)
  @Query(() => SupportTicketConnection, {
    description: 'Every ticket of every tenant, in the order asked for (most recently updated first by default)',
  })
  // Priced by the cost rule as pages of `first` tickets.
  @Extensions({ pageSize: MAX_PAGE_SIZE } satisfies PagedFieldExtensions)
  supportTickets(
    @Ctx() context: Context,
    @Arg('filter', () => SupportTicketFilter, { nullable: true, description: 'Status, category and search; all tickets when omitted.' })
    filter: SupportTicketFilter | undefined,
    @Args() { first, after }: TicketPageArgs,
    @Arg('orderBy', () => SupportTicketOrder, {
      nullable: true,
      defaultValue: SupportTicketOrder.UPDATED_DESC,
      description: 'The order of the list; a cursor is valid only in the order that issued it.',
    })
    orderBy: SupportTicketOrder,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listPage(context, info, { filter, first, after, orderBy });
  }

  @Authorized()
  @Query(() => [SupportTicket], {
    description:
      "The other tickets of this ticket's customer, most recently updated first: a customer's own, any customer's for the Lex team; none when the ticket is not the viewer's to see.",
  })
  @Extensions({ pageSize: MAX_CUSTOMER_TICKETS } satisfies PagedFieldExtensions)
  customerTickets(
    @Ctx() context: Context,
    @Arg('ticketId', () => ID, { description: 'The ticket whose customer this is (a UUID).' }) ticketId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 5, description: `How many tickets, 1 to ${MAX_CUSTOMER_TICKETS}.` })
    first: number,
  ) {
    return context.services.tickets.customerTickets(viewerOf(context), ticketId, first);
  }

  @Authorized(Role.SUPERADMIN)
  @Query(() => SupportStats, { description: 'Tickets per status over all tenants; superadmin only.' })
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
  @Mutation(() => SupportTicket, { description: 'Opens a ticket with its first message; customers only.' })
  createTicket(@Arg('input', { description: 'Subject, category and first message.' }) input: CreateTicketInput, @Ctx() context: Context) {
    return context.services.commands.createTicket(viewerOf(context), input);
  }

  @Authorized()
  @RateLimited('reply')
  @Mutation(() => SupportReply, {
    description: 'Adds a reply; moves the status as the rules say (a team reply answers, a customer reply reopens).',
  })
  replyToTicket(@Arg('input', { description: 'The ticket and the message.' }) input: ReplyToTicketInput, @Ctx() context: Context) {
    return context.services.commands.replyToTicket(viewerOf(context), input);
  }

  @Authorized()
  @Mutation(() => SupportTicket, { description: 'Closes the ticket; closing a closed ticket changes nothing.' })
  closeTicket(@Arg('id', () => ID, { description: 'The ticket to close.' }) id: string, @Ctx() context: Context) {
    return context.services.commands.closeTicket(viewerOf(context), id);
  }

  @Authorized(Role.SUPERADMIN)
  @Mutation(() => SupportTicket, {
    description: "The Lex team's status buttons: IN_PROGRESS, CLOSED (resolved) or OPEN (reopen a closed ticket); superadmin only.",
  })
  setTicketStatus(
    @Arg('id', () => ID, { description: 'The ticket to move.' }) id: string,
    @Arg('status', () => TicketStatus, { description: 'IN_PROGRESS, CLOSED or OPEN; ANSWERED comes only with a reply.' })
    status: TicketStatus,
    @Ctx() context: Context,
  ) {
    return context.services.commands.setTicketStatus(viewerOf(context), id, status);
  }

  @Authorized()
  @Mutation(() => SupportTicket, { description: "Marks the other side's replies as read for the viewer; changes no status." })
  markTicketRead(@Arg('id', () => ID, { description: 'The ticket that was read.' }) id: string, @Ctx() context: Context) {
    return context.services.commands.markTicketRead(viewerOf(context), id);
  }

  @FieldResolver(() => Tenant, { description: "The customer's company." })
  tenant(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context) {
    return loaders.tenant.load(ticket.tenantId);
  }

  @FieldResolver(() => [SupportReply], { description: 'Oldest first: the latest `last` replies, or those before the reply `before`.' })
  @Extensions({ pageSize: MAX_REPLIES_PAGE_SIZE } satisfies PagedFieldExtensions)
  replies(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context, @Args() page: RepliesPageArgs) {
    return loaders.replies(page).load(ticket.id);
  }

  @FieldResolver(() => SupportReply, { nullable: true, description: 'The newest reply.' })
  lastReply(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context) {
    return loaders.lastReply.load(ticket.id);
  }

  @FieldResolver(() => Int, { description: 'Replies from the other side the viewer has not read' })
  unreadCount(@Root() ticket: SupportTicket, @Ctx() context: Context) {
    return isSuperadmin(viewerOf(context)) ? ticket.adminUnreadCount : ticket.customerUnreadCount;
  }
}
