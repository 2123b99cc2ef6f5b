import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'A customer company of Lex.' })
@Entity('tenants')
export class Tenant {
  @Field(() => ID, { description: 'A UUID.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field({ description: 'The company name.' })
  @Column('text')
  name: string;

  /** Lex's id of the company, for tenants that arrived by sign-in from Lex. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
