import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Tenant } from '../accounts/tenant.entity';
import type { SupportReply } from './reply.entity';
import { TicketCategory, TicketStatus } from './ticket-status';

@ObjectType({ description: 'A conversation between one customer and the Lex team.' })
@Entity('support_tickets')
export class SupportTicket {
  @Field(() => ID, { description: 'A UUID.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Shown as `#1000`; assigned by the database. */
  @Field(() => Int, { description: 'The number people use, shown as `#1000`; unique across all tenants, from 1000 up.' })
  @Column({ name: 'ticket_number', type: 'int', insert: false, update: false })
  ticketNumber: number;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Field({ description: "The customer's email address when the ticket was opened." })
  @Column({ name: 'user_email', type: 'text' })
  userEmail: string;

  @Field({ description: "The customer's name when the ticket was opened." })
  @Column({ name: 'user_name', type: 'text' })
  userName: string;

  @Field({ description: 'What the ticket is about, 1 to 200 characters.' })
  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Field(() => TicketCategory, { description: 'Chosen by the customer when opening the ticket.' })
  @Column('text')
  category: TicketCategory;

  @Field(() => TicketStatus, { description: 'Where the ticket stands: who owes the next step.' })
  @Column('text')
  status: TicketStatus;

  @Field({ description: 'When the customer opened the ticket.' })
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Field({ description: 'The last reply or status change (read markers do not count); lists are sorted by it.' })
  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the ticket was closed; null unless its status is CLOSED.' })
  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3, nullable: true })
  closedAt: Date | null;

  /** The Lex team member who owns the ticket; shown to the team only (docs/architecture.md §8). */
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Field(() => Date, { nullable: true, description: 'When the Lex team first answered in public (notes do not count); null until then.' })
  @Column({ name: 'first_response_at', type: 'timestamptz', nullable: true })
  firstResponseAt: Date | null;

  /** The service level's due time for the first response, fixed when the ticket was opened (docs/architecture.md §10). */
  @Column({ name: 'first_response_due_at', type: 'timestamptz', precision: 3, nullable: true })
  firstResponseDueAt: Date | null;

  /** Lex-team replies the customer has not read yet. */
  @Column({ name: 'customer_unread_count', type: 'int' })
  customerUnreadCount: number;

  /** Customer replies the Lex team has not read yet. */
  @Column({ name: 'admin_unread_count', type: 'int' })
  adminUnreadCount: number;

  /** Read with a list's page when the request asks for it (TicketQueries.listTickets), for the request's loaders. */
  tenant?: Tenant;
  /** Likewise the newest reply the viewer may see; null when there is none. */
  lastReply?: SupportReply | null;
  /** Likewise a page of the conversation, read with the ticket (TicketQueries.getTicket). */
  replies?: SupportReply[];
}
