import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TicketCategory, TicketStatus } from './ticket-status';

@ObjectType()
@Entity('support_tickets')
export class SupportTicket {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Shown as `#1000`; assigned by the database. */
  @Field(() => Int)
  @Column({ name: 'ticket_number', type: 'int', insert: false, update: false })
  ticketNumber: number;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Field()
  @Column({ name: 'user_email', type: 'text' })
  userEmail: string;

  @Field()
  @Column({ name: 'user_name', type: 'text' })
  userName: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Field(() => TicketCategory)
  @Column('text')
  category: TicketCategory;

  @Field(() => TicketStatus)
  @Column('text')
  status: TicketStatus;

  @Field()
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field()
  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3, nullable: true })
  closedAt: Date | null;

  /** Lex-team replies the customer has not read yet. */
  @Column({ name: 'customer_unread_count', type: 'int' })
  customerUnreadCount: number;

  /** Customer replies the Lex team has not read yet. */
  @Column({ name: 'admin_unread_count', type: 'int' })
  adminUnreadCount: number;
}
