import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "The customer's rating of how a ticket was answered, given once per close." })
export class SatisfactionRating {
  /** The ticket it rates (for the per-request loader), not part of the schema. */
  ticketId: string;

  @Field(() => Int, { description: 'From 1 (very poor) to 5 (excellent).' })
  score: number;

  @Field(() => String, { nullable: true, description: 'What the customer added, up to 2,000 characters; null when nothing.' })
  comment: string | null;

  @Field({ description: 'When the customer rated.' })
  createdAt: Date;
}
