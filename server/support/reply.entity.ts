import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ReplyChannel {
  WEB = 'web',
  EMAIL = 'email',
}
registerEnumType(ReplyChannel, {
  name: 'ReplyChannel',
  description: 'How a reply was written.',
  valuesConfig: {
    WEB: { description: 'In the web app or through the API.' },
    EMAIL: { description: 'By answering a notification email.' },
  },
});

@ObjectType({ description: 'One message in the conversation of a ticket.' })
@Entity('support_replies')
export class SupportReply {
  @Field(() => ID, { description: 'A UUID.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { description: 'The ticket this reply belongs to.' })
  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId: string;

  @Field({ description: 'The text as written, 1 to 10,000 characters; plain text, never HTML.' })
  @Column('text')
  message: string;

  @Field({ description: 'True when a Lex team member wrote it, false when the customer did.' })
  @Column({ name: 'is_admin', type: 'boolean' })
  isAdmin: boolean;

  @Field({ description: 'True for an internal note: written by and shown to the Lex team only, never to the customer.' })
  @Column({ name: 'is_internal', type: 'boolean' })
  isInternal: boolean;

  @Field({ description: 'The name of the person who wrote it, as it was then.' })
  @Column({ name: 'sender_name', type: 'text' })
  senderName: string;

  @Field(() => ReplyChannel, { description: 'WEB or EMAIL.' })
  @Column({ type: 'text', default: ReplyChannel.WEB })
  via: ReplyChannel;

  @Field({ description: 'When it was stored; replies of a ticket are ordered by it.' })
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt: Date;
}
