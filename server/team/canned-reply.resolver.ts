import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../accounts/user.entity';
import { Context } from '../context';
import { CannedReply, CannedReplyInput } from './canned-reply.entity';

// Resolvers only read arguments and call the service; `@Authorized` guarantees a viewer.
const viewerOf = (context: Context) => context.viewer!;

@Resolver(() => CannedReply)
export class CannedReplyResolver {
  @Authorized(Role.SUPERADMIN)
  @Query(() => [CannedReply], { description: "The Lex team's canned replies, by title; superadmin only." })
  cannedReplies(@Ctx() context: Context) {
    return context.services.cannedReplies.list(viewerOf(context));
  }

  @Authorized(Role.SUPERADMIN)
  @Mutation(() => CannedReply, { description: 'Saves a canned reply: a new one, or an update when `id` is given; superadmin only.' })
  saveCannedReply(
    @Arg('input', { description: 'Title and body, and the id to update.' }) input: CannedReplyInput,
    @Ctx() context: Context,
  ) {
    return context.services.cannedReplies.save(viewerOf(context), input);
  }

  @Authorized(Role.SUPERADMIN)
  @Mutation(() => Boolean, { description: 'Deletes a canned reply: true when deleted, false when none had this id; superadmin only.' })
  deleteCannedReply(@Arg('id', () => ID, { description: 'The canned reply to delete.' }) id: string, @Ctx() context: Context) {
    return context.services.cannedReplies.delete(viewerOf(context), id);
  }
}
