import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "A ticket's service level for the first response; the Lex team's only." })
export class SlaState {
  @Field({ description: 'When the first public team reply is due: SLA_FIRST_RESPONSE_HOURS business hours after the ticket was opened.' })
  firstResponseDueAt: Date;

  @Field({
    description: 'The due time passed before the first response: answered late, still unanswered now, or closed unanswered after it.',
  })
  breached: boolean;
}
