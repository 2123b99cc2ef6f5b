import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../accounts/user.entity';
import { TicketStatus } from '../support/ticket-status';

/** Stored lower case, shown as the keys (as statuses are). */
export enum TicketEventKind {
  CREATED = 'created',
  STATUS_CHANGED = 'status_changed',
  ASSIGNED = 'assigned',
  UNASSIGNED = 'unassigned',
  AUTO_CLOSED = 'auto_closed',
  RATED = 'rated',
}
registerEnumType(TicketEventKind, {
  name: 'TicketEventKind',
  description: 'What happened to a ticket, on its timeline.',
  valuesConfig: {
    CREATED: { description: 'The customer opened the ticket.' },
    STATUS_CHANGED: { description: 'The status moved (fromStatus → toStatus), by a reply or a button.' },
    ASSIGNED: { description: 'The ticket was given to a Lex team member (assigneeName); Lex team only.' },
    UNASSIGNED: { description: 'The ticket was taken from its assignee (assigneeName); Lex team only.' },
    AUTO_CLOSED: { description: 'Closed automatically after the customer did not reply.' },
    RATED: { description: 'The customer rated the answer.' },
  },
});

/** What a customer's timeline shows; the rest is the Lex team's (docs/architecture.md §10). */
export const CUSTOMER_EVENT_KINDS: readonly TicketEventKind[] = [
  TicketEventKind.CREATED,
  TicketEventKind.STATUS_CHANGED,
  TicketEventKind.AUTO_CLOSED,
  TicketEventKind.RATED,
];

/**
 * One line of a ticket's timeline, written in the transaction of the change it records
 * (`ticket_events`). Names are kept as they were then, as replies keep their sender's.
 */
@ObjectType('TicketEvent', { description: "One change on a ticket's timeline." })
@Entity('ticket_events')
export class TimelineEvent {
  @Field(() => ID, { description: 'A UUID.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Order among events of one time (a ticket's changes are written one after another). */
  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId: string;

  @Field(() => TicketEventKind, { description: 'What happened.' })
  @Column('text')
  kind: TicketEventKind;

  @Field({ description: 'When it happened.' })
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Who did it; null for the system (a job). Kept when the user is removed. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Who did it: null for the system, and for a customer when a Lex team member did it (actorRole says it was the team).',
  })
  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName: string | null;

  @Field(() => Role, { nullable: true, description: 'The side that did it: CUSTOMER or SUPERADMIN (the Lex team); null for the system.' })
  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: Role | null;

  @Field(() => TicketStatus, { nullable: true, description: 'STATUS_CHANGED and AUTO_CLOSED: the status before.' })
  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: TicketStatus | null;

  @Field(() => TicketStatus, { nullable: true, description: 'CREATED, STATUS_CHANGED and AUTO_CLOSED: the status after.' })
  @Column({ name: 'to_status', type: 'text', nullable: true })
  toStatus: TicketStatus | null;

  @Field(() => String, { nullable: true, description: 'ASSIGNED: the new assignee; UNASSIGNED: the one taken off (null if unknown).' })
  @Column({ name: 'assignee_name', type: 'text', nullable: true })
  assigneeName: string | null;
}
