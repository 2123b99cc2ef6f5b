import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from './tenant.entity';

export enum Role {
  CUSTOMER = 'customer',
  SUPERADMIN = 'superadmin',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What a user may do.',
  valuesConfig: {
    CUSTOMER: { description: 'An employee of a customer company: sees and acts on their own tickets only.' },
    SUPERADMIN: { description: 'A Lex team member: sees and acts on every ticket of every tenant.' },
  },
});

@ObjectType({ description: 'A person who signs in: a customer or a Lex team member.' })
@Entity('users')
export class User {
  @Field(() => ID, { description: 'A UUID.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId: string | null;

  /** Superadmins belong to no tenant. */
  @Field(() => Tenant, { nullable: true, description: "The customer's company; null for Lex team members." })
  @ManyToOne(() => Tenant, { nullable: true })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Tenant | null;

  @Field({ description: 'The sign-in email address, unique regardless of case.' })
  @Column('text')
  email: string;

  @Field({ description: 'The name shown on replies.' })
  @Column('text')
  name: string;

  @Field(() => Role, { description: 'CUSTOMER or SUPERADMIN.' })
  @Column('text')
  role: Role;

  @Field({ description: 'The language the person uses Lex Support in: `en` (English, until they choose) or `nl` (Dutch).' })
  @Column({ type: 'text', default: 'en' })
  locale: string;

  @Field({ description: 'Whether the user gets notification emails (answers, new tickets); unsubscribe links turn it off.' })
  @Column({ name: 'email_notifications', type: 'boolean', default: true })
  emailNotifications: boolean;

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  /** Lex's id of the person (the token's `sub`): who they are, whatever their email becomes. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
