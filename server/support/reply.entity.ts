import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType()
@Entity('support_replies')
export class SupportReply {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId: string;

  @Field()
  @Column('text')
  message: string;

  @Field()
  @Column({ name: 'is_admin', type: 'boolean' })
  isAdmin: boolean;

  @Field()
  @Column({ name: 'sender_name', type: 'text' })
  senderName: string;

  @Field()
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt: Date;
}
