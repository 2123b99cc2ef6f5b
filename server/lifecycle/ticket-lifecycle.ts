import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../accounts/user.entity';
import { isSuperadmin } from '../auth/viewer';
import type { LifecycleConfig } from '../config';
import { hydrate } from '../db/hydrate';
import { JobTasks, enqueue } from '../jobs/job-queue';
import type { Author, TicketChange, TicketChangeListener, TicketChangeOutbox } from '../support/ticket-commands';
import { SupportTicket } from '../support/ticket.entity';
import { TicketStatus } from '../support/ticket-status';
import { autoCloseJobs } from './auto-close';
import { backfillLifecycle } from './backfill';
import { addBusinessHours } from './business-hours';
import { overdueJobKey } from './sla';
import { TicketEventKind } from './ticket-event.entity';

declare module '../jobs/job-queue' {
  interface JobPayloads {
    /** At a ticket's first-response due time: tell the team it is overdue, unless it was answered or closed. */
    'sla.overdue': { ticketId: string };
    /** The lifecycle of tickets from before it, a batch at a time, each run queueing the next. */
    'lifecycle.backfill': Record<string, never>;
  }
}

/** A line for the timeline, before it is stored. */
export interface NewTimelineEvent {
  kind: TicketEventKind;
  /** Null for the system. */
  actor: Pick<Author, 'id' | 'name' | 'role'> | null;
  fromStatus?: TicketStatus;
  toStatus?: TicketStatus;
  assigneeName?: string | null;
  /** When it happened; unset: when it is written. */
  at?: Date;
}

/**
 * The lines a change leaves on the timeline (docs/architecture.md §10), from what the command reported;
 * `author` null: the system (the auto-close job).
 */
export function eventsOf(
  { ticket, previousStatus, assignment, autoClosedAfterHours, rated }: TicketChange,
  author: Author | null,
): NewTimelineEvent[] {
  const events: NewTimelineEvent[] = [];
  if (previousStatus === undefined) {
    events.push({ kind: TicketEventKind.CREATED, actor: author, toStatus: ticket.status, at: ticket.createdAt });
  } else if (previousStatus !== ticket.status) {
    events.push({
      kind: autoClosedAfterHours === undefined ? TicketEventKind.STATUS_CHANGED : TicketEventKind.AUTO_CLOSED,
      actor: author,
      fromStatus: previousStatus,
      toStatus: ticket.status,
      at: ticket.updatedAt,
    });
  }
  if (assignment) {
    events.push(
      assignment.assignee
        ? { kind: TicketEventKind.ASSIGNED, actor: author, assigneeName: assignment.assignee.name }
        : { kind: TicketEventKind.UNASSIGNED, actor: author, assigneeName: assignment.previousName },
    );
  }
  if (rated) events.push({ kind: TicketEventKind.RATED, actor: author });
  return events;
}

/** Adds lines to a ticket's timeline in the transaction of `manager`, in the order given. */
export async function recordTimeline(manager: EntityManager, ticketId: string, events: NewTimelineEvent[]): Promise<void> {
  if (!events.length) return;
  const rows = events.map((_, i) => {
    const p = i * 8;
    return `($1, $${p + 2}, $${p + 3}::uuid, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8}, coalesce($${p + 9}::timestamptz, clock_timestamp()))`;
  });
  const parameters = events.flatMap((event) => [
    event.kind,
    event.actor?.id ?? null,
    event.actor?.name ?? null,
    event.actor ? (isSuperadmin(event.actor) ? Role.SUPERADMIN : Role.CUSTOMER) : null,
    event.fromStatus ?? null,
    event.toStatus ?? null,
    event.assigneeName ?? null,
    event.at ?? null,
  ]);
  await manager.query(
    `INSERT INTO ticket_events (ticket_id, kind, actor_id, actor_name, actor_role, from_status, to_status, assignee_name, created_at)
     VALUES ${rows.join(', ')}`,
    [ticketId, ...parameters],
  );
}

/**
 * The lifecycle of a ticket as its commands move it (docs/architecture.md §10): the timeline, written
 * in each change's transaction; the first-response service level: a due time fixed when the ticket
 * is opened, and a job at that time that tells the team when it passed unanswered; and the auto-close:
 * each public team answer queues the reminder and the close of the ticket, replacing earlier ones.
 */
export class TicketLifecycle implements TicketChangeOutbox {
  constructor(private readonly config: LifecycleConfig) {}

  /** When the first response to a ticket opened at `openedAt` is due. */
  firstResponseDueAt(openedAt: Date): Date {
    return addBusinessHours(this.config.businessHours, openedAt, this.config.slaFirstResponseHours);
  }

  async record(manager: EntityManager, change: TicketChange, author: Author | null): Promise<void> {
    await recordTimeline(manager, change.ticket.id, eventsOf(change, author));
    const { ticket, reply } = change;
    if (change.previousStatus === undefined && ticket.firstResponseDueAt) {
      await enqueue(manager, 'sla.overdue', { ticketId: ticket.id }, { runAt: ticket.firstResponseDueAt, key: overdueJobKey(ticket.id) });
    }
    // A public team reply leaves the ticket ANSWERED (rules 5 and 7): the wait for the customer starts again.
    const hours = this.config.autoCloseAfterHours;
    if (hours !== null && reply && !reply.isInternal && ticket.status === TicketStatus.ANSWERED) {
      for (const job of autoCloseJobs(hours, [{ id: ticket.id, answeredAt: ticket.updatedAt }], ticket.updatedAt))
        await enqueue(manager, job.task, job.payload, { runAt: job.runAt, key: job.key });
    }
  }
}

/** Tickets per backfill transaction: about a second of work each on a loaded 2-core machine at 1M tickets. */
export const BACKFILL_BATCH = 2000;
const BACKFILL_KEY = 'lifecycle.backfill';

export interface LifecycleJobsDeps {
  system: DataSource;
  listener: TicketChangeListener;
  config: LifecycleConfig;
  batch?: number;
}

/**
 * The lifecycle's jobs, run on the owner's connections. `sla.overdue` is what turns "overdue" live: at
 * the due time, if the ticket is still unanswered and open, the team hears of the ticket again (its
 * `sla` now breached); an answered or closed ticket is skipped, and telling twice changes nothing.
 * `lifecycle.backfill` does one batch of tickets from before the lifecycle and, while any remain,
 * queues itself again in the same transaction, so a crash loses no batch and holds no lock long.
 */
export function defineLifecycleJobs(tasks: JobTasks, { system, listener, config, batch = BACKFILL_BATCH }: LifecycleJobsDeps) {
  tasks.define('lifecycle.backfill', () =>
    system.transaction(async (manager) => {
      const done = await backfillLifecycle((sql, parameters) => manager.query(sql, parameters), config, batch);
      if (done === batch) await enqueue(manager, 'lifecycle.backfill', {}, { key: BACKFILL_KEY });
    }),
  );
  tasks.define('sla.overdue', async ({ ticketId }) => {
    const [row] = await system.query(
      `SELECT * FROM support_tickets
        WHERE id = $1 AND first_response_at IS NULL AND closed_at IS NULL AND first_response_due_at <= now()`,
      [ticketId],
    );
    if (!row) return;
    const ticket = hydrate(system.manager, SupportTicket, row);
    listener.ticketChanged({ ticket, previousStatus: ticket.status, teamOnly: true });
  });
}

/** Queues the backfill when tickets from before the lifecycle remain (one indexed probe; once across instances). */
export async function resumeLifecycleBackfill(system: DataSource): Promise<void> {
  await system.query(
    `SELECT enqueue_job('lifecycle.backfill', '{}', NULL, $1, NULL) WHERE EXISTS (SELECT 1 FROM support_tickets WHERE first_response_due_at IS NULL)`,
    [BACKFILL_KEY],
  );
}
