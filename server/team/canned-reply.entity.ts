import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CANNED_REPLY_VARIABLES, MAX_CANNED_TITLE_LENGTH, MAX_MESSAGE_LENGTH } from '../contract';

const VARIABLES = CANNED_REPLY_VARIABLES.map((name) => `{{${name}}}`).join(', ');

@ObjectType({ description: 'A reply the Lex team keeps ready to insert into the composer; shared by the whole team.' })
@Entity('canned_replies')
export class CannedReply {
  @Field(() => ID, { description: 'A UUID.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field({ description: `What the picker shows and searches, 1 to ${MAX_CANNED_TITLE_LENGTH} characters.` })
  @Column('text')
  title: string;

  @Field({
    description: `The text, 1 to ${MAX_MESSAGE_LENGTH.toLocaleString('en')} characters; may use ${VARIABLES}, filled in on insert.`,
  })
  @Column('text')
  body: string;

  @Field({ description: 'When it was last saved.' })
  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3, insert: false })
  updatedAt: Date;
}

@InputType({ description: 'A new canned reply, or (with `id`) new words for an existing one.' })
export class CannedReplyInput {
  @Field(() => ID, { nullable: true, description: 'The canned reply to update; a new one when omitted.' })
  id?: string | null;

  @Field({ description: `1 to ${MAX_CANNED_TITLE_LENGTH} characters.` })
  title: string;

  @Field({ description: `1 to ${MAX_MESSAGE_LENGTH.toLocaleString('en')} characters; only the variables ${VARIABLES}.` })
  body: string;
}
