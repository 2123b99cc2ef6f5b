import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'A file attached to a message: a screenshot, a PDF, a document.' })
@Entity('attachments')
export class Attachment {
  @Field(() => ID, { description: 'A UUID.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'uploader_id', type: 'uuid' })
  uploaderId: string;

  /** Null until the upload is attached to a message; then the file is visible exactly as that reply is. */
  @Column({ name: 'reply_id', type: 'uuid', nullable: true })
  replyId: string | null;

  @Field({
    description: 'The file name as uploaded, without any folder, control or direction-override characters; at most 255 characters.',
  })
  @Column('text')
  name: string;

  @Field(() => Int, { description: 'Size in bytes, as stored (images lose their metadata when stored).' })
  @Column('integer')
  size: number;

  @Field({ description: 'The type found in the bytes (never taken from the name), such as image/png or application/pdf.' })
  @Column({ name: 'content_type', type: 'text' })
  contentType: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  @Column({ name: 'thumbnail_key', type: 'text', nullable: true })
  thumbnailKey: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt: Date;
}
