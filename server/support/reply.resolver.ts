import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Context } from '../context';
import { messageExcerpt } from './excerpt';
import { SupportReply } from './reply.entity';
import { SupportTicket } from './ticket.entity';

@Resolver(() => SupportReply)
export class ReplyResolver {
  @FieldResolver(() => SupportTicket, { description: 'The ticket this reply belongs to.' })
  async ticket(@Root() reply: SupportReply, @Ctx() { loaders }: Context) {
    return loaders.ticket().load(reply.ticketId);
  }

  @FieldResolver(() => String, {
    description: "The message's first line with text, at most 120 characters (cut with …): what a list shows of it.",
  })
  excerpt(@Root() reply: SupportReply): string {
    return messageExcerpt(reply.message);
  }
}
