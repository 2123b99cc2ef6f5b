import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Someone on a ticket page.' })
export class ActivityPerson {
  @Field(() => ID, { description: 'Their user id.' })
  id: string;

  @Field({ description: 'The name shown on their replies.' })
  name: string;

  @Field({ description: 'True for a Lex team member.' })
  isAdmin: boolean;

  @Field({ description: 'True while they type an internal note; never true in what a customer sees.' })
  internal: boolean;
}

@ObjectType({ description: 'Who is on a ticket page now, as the subscriber may see it.' })
export class TicketActivity {
  @Field(() => ID, { description: 'The ticket.' })
  ticketId: string;

  @Field(() => [ActivityPerson], { description: 'Who has the ticket open; for the Lex team only, always empty for customers.' })
  viewers: ActivityPerson[];

  @Field(() => [ActivityPerson], { description: 'Who is typing; customers see only Lex team members typing a public reply, never a note.' })
  typing: ActivityPerson[];
}
