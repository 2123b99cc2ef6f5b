import { Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../contract';
import { Context } from '../context';
import { SupportReply } from '../support/reply.entity';
import { Attachment } from './attachment.entity';

@Resolver(() => Attachment)
export class AttachmentResolver {
  @FieldResolver(() => String, {
    description:
      'Where the file downloads, for those who may see its message (same origin as the API; sent with the session cookie or Bearer token).',
  })
  url(@Root() attachment: Attachment): string {
    return `/attachments/${attachment.id}/${encodeURIComponent(attachment.name)}`;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'A small WebP preview (at most 320 px wide) of an image; null for other files.',
  })
  thumbnailUrl(@Root() attachment: Attachment): string | null {
    return attachment.thumbnailKey ? `/thumbnails/${attachment.id}` : null;
  }
}

@Resolver(() => SupportReply)
export class ReplyAttachmentsResolver {
  // Priced by the query-cost rule as a list of at most 10.
  @Extensions({ pageSize: MAX_ATTACHMENTS_PER_MESSAGE })
  @FieldResolver(() => [Attachment], { description: 'The files attached to this message, in the order they were uploaded.' })
  attachments(@Root() reply: SupportReply, @Ctx() { loaders }: Context) {
    return loaders.attachments.load(reply.id);
  }
}
