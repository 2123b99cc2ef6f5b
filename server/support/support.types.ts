import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SupportTicket } from './ticket.entity';
import { TicketCategory, TicketStatus } from './ticket-status';

const CLIENT_MUTATION_ID =
  'A UUID the client makes for each submit and sends again when it retries: a retry returns the first result and writes nothing new';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType()
export class SupportTicketConnection {
  @Field(() => [SupportTicket])
  nodes: SupportTicket[];

  @Field()
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}

@ObjectType()
export class SupportStats {
  @Field(() => Int) open: number;
  @Field(() => Int) inProgress: number;
  @Field(() => Int) answered: number;
  @Field(() => Int) closed: number;
  @Field(() => Int) total: number;
}

@InputType()
export class SupportTicketFilter {
  @Field(() => TicketStatus, { nullable: true })
  status?: TicketStatus | null;

  @Field(() => TicketCategory, { nullable: true })
  category?: TicketCategory | null;

  @Field(() => String, { nullable: true, description: 'Ticket number, subject, customer name or email, company' })
  search?: string | null;
}

@InputType()
export class CreateTicketInput {
  @Field({ description: '1 to 200 characters' })
  subject: string;

  @Field(() => TicketCategory)
  category: TicketCategory;

  @Field({ description: 'The first message of the conversation, 1 to 10,000 characters' })
  message: string;

  @Field(() => ID, { nullable: true, description: CLIENT_MUTATION_ID })
  clientMutationId?: string | null;
}

@InputType()
export class ReplyToTicketInput {
  @Field(() => ID)
  ticketId: string;

  @Field({ description: '1 to 10,000 characters' })
  message: string;

  @Field(() => ID, { nullable: true, description: CLIENT_MUTATION_ID })
  clientMutationId?: string | null;
}
