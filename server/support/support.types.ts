import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MAX_REPLIES_PAGE_SIZE, REPLIES_PAGE_SIZE, SEARCH_COUNT_CAP } from '../contract';
import { SupportTicket } from './ticket.entity';
import { TicketCategory, TicketStatus } from './ticket-status';

const ATTACHMENT_IDS = 'Files to attach: ids from POST /uploads, your own and not yet attached to a message, each once, at most 10.';
const CLIENT_MUTATION_ID =
  'A UUID the client makes for each submit and sends again when it retries: a retry returns the first result and writes nothing new';

@ObjectType({ description: 'Where a page of a list ends, for keyset pagination.' })
export class PageInfo {
  @Field({ description: 'True when another page follows this one.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page; null on an empty page.' })
  endCursor: string | null;
}

@ArgsType()
export class TicketPageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 25, description: 'How many tickets per page, 1 to 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "The previous page's `pageInfo.endCursor`; the first page when omitted." })
  after?: string | null;
}

@ArgsType()
export class RepliesPageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: REPLIES_PAGE_SIZE,
    description: `How many of the latest replies, 1 to ${MAX_REPLIES_PAGE_SIZE}; fewer come back when the conversation starts within them.`,
  })
  last?: number | null;

  @Field(() => ID, { nullable: true, description: 'The id of a reply of this ticket: only replies written before it (the earlier page).' })
  before?: string | null;
}

@ObjectType({ description: 'One page of tickets.' })
export class SupportTicketConnection {
  @Field(() => [SupportTicket], { description: "The tickets of this page, in the list's order." })
  nodes: SupportTicket[];

  @Field({ description: 'Where this page ends.' })
  pageInfo: PageInfo;

  @Field(() => Int, {
    description:
      'How many tickets the whole list holds, over all pages. A search counts its matches only up to ' +
      `${SEARCH_COUNT_CAP.toLocaleString('en')}: past that, totalCountCapped is true and this is a lower bound.`,
  })
  totalCount: number;

  @Field({ description: 'True when totalCount stopped counting: the list holds at least that many tickets, likely more.' })
  totalCountCapped: boolean;
}

@ObjectType({ description: "How many tickets of all tenants are in each status: the Lex team's dashboard figures." })
export class SupportStats {
  @Field(() => Int, { description: 'Tickets waiting for the Lex team.' }) open: number;
  @Field(() => Int, { description: 'Tickets the Lex team is working on.' }) inProgress: number;
  @Field(() => Int, { description: 'Tickets waiting for their customer.' }) answered: number;
  @Field(() => Int, { description: 'Solved tickets.' }) closed: number;
  @Field(() => Int, { description: 'All tickets.' }) total: number;
  @Field(() => Int, { description: 'Tickets assigned to the viewer that are not closed (the "Mine" view).' }) mine: number;
  @Field(() => Int, { description: 'Tickets assigned to nobody that are not closed (the "Unassigned" view).' }) unassigned: number;
}

@InputType({ description: 'Narrows the list of tickets; conditions combine with AND.' })
export class SupportTicketFilter {
  @Field(() => TicketStatus, { nullable: true, description: 'Only tickets in this status.' })
  status?: TicketStatus | null;

  @Field(() => TicketCategory, { nullable: true, description: 'Only tickets of this category.' })
  category?: TicketCategory | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A ticket number (exact, with or without #), or words: each a word of the subject, the customer name or email (split at ' +
      'its dots and @), the last also the start of one as it is being typed; or all of them words of the company name. Case and accents are ignored.',
  })
  search?: string | null;
  @Field(() => ID, { nullable: true, description: 'Only tickets assigned to this Lex team member (the "Mine" view with your own id).' })
  assigneeId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True: only tickets assigned to nobody (the "Unassigned" view); false: only assigned ones.',
  })
  unassigned?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'True: only tickets that are not closed (the team\'s open work, as the "Mine" and "Unassigned" views and their counts); false: only closed ones.',
  })
  notClosed?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True: only tickets whose first response is overdue or came late (`sla.breached`); false: only the others.',
  })
  slaBreached?: boolean | null;
}

@InputType({ description: 'A new ticket and its first message.' })
export class CreateTicketInput {
  @Field({ description: '1 to 200 characters' })
  subject: string;

  @Field(() => TicketCategory, { description: 'What the ticket is about.' })
  category: TicketCategory;

  @Field({ description: 'The first message of the conversation, 1 to 10,000 characters' })
  message: string;

  @Field(() => [ID], { nullable: true, description: ATTACHMENT_IDS })
  attachmentIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: CLIENT_MUTATION_ID })
  clientMutationId?: string | null;
}

@InputType({ description: 'A reply to a ticket.' })
export class ReplyToTicketInput {
  @Field(() => ID, { description: 'The ticket to reply to: one of your own, or any for the Lex team.' })
  ticketId: string;

  @Field({ description: '1 to 10,000 characters' })
  message: string;

  @Field(() => [ID], { nullable: true, description: ATTACHMENT_IDS })
  attachmentIds?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'True for an internal note the customer never sees; it changes no status and no unread count. Lex team only: FORBIDDEN for a customer.',
  })
  internal?: boolean | null;

  @Field(() => ID, { nullable: true, description: CLIENT_MUTATION_ID })
  clientMutationId?: string | null;
}
