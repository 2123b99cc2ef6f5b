import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Context } from '../context';
import { SupportReply } from './reply.entity';
import { SupportTicket } from './ticket.entity';

@Resolver(() => SupportReply)
export class ReplyResolver {
  @FieldResolver(() => SupportTicket, { description: 'The ticket this reply belongs to.' })
  async ticket(@Root() reply: SupportReply, @Ctx() { loaders }: Context) {
    return loaders.ticket.load(reply.ticketId);
  }
}
