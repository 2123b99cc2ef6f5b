import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Context } from '../context';
import { SupportTicket } from '../support/ticket.entity';
import { SatisfactionRating } from './rating.types';

/** Satisfaction ratings of tickets (docs/architecture.md §10). */
@Resolver(() => SupportTicket)
export class RatingResolver {
  @Authorized()
  @Mutation(() => SupportTicket, {
    description: "Rates a closed ticket of the viewer's own, once per close: score 1 to 5, an optional comment (up to 2,000 characters).",
  })
  rateTicket(
    @Arg('id', () => ID, { description: 'The closed ticket to rate.' }) id: string,
    @Arg('score', () => Int, { description: 'From 1 (very poor) to 5 (excellent).' }) score: number,
    @Arg('comment', () => String, { nullable: true, description: 'Optional; trimmed, and blank is no comment.' })
    comment: string | null | undefined,
    @Ctx() context: Context,
  ) {
    return context.services.ratings.rateTicket(context.viewer!, id, { score, comment });
  }

  @FieldResolver(() => SatisfactionRating, {
    nullable: true,
    description: "The customer's rating of the current close, or of the latest close once reopened; for the owner and the Lex team.",
  })
  rating(@Root() ticket: SupportTicket, @Ctx() { loaders }: Context) {
    return loaders.rating.load(ticket.id);
  }
}
