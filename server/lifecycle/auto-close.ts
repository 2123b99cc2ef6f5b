import { DataSource } from 'typeorm';
import type { LifecycleConfig } from '../config';
import { JobTasks } from '../jobs/job-queue';
import type { TicketCommands } from '../support/ticket-commands';
import type { SupportTicket } from '../support/ticket.entity';
import { nextStatus } from '../support/ticket-status';

/** What the reminder and the close of one answer carry: the answer they count from, and when the close is due. */
export interface AutoCloseJob {
  ticketId: string;
  /** The ticket's `updated_at` when the answer made it ANSWERED (ISO, to the millisecond as stored). */
  answeredAt: string;
  closeAt: string;
}

declare module '../jobs/job-queue' {
  interface JobPayloads {
    /** Closes a ticket still waiting for its customer since the answer (docs/architecture.md §10). */
    'autoClose.close': AutoCloseJob;
    /** Tickets answered before auto-close existed get their jobs, a batch at a time. */
    'autoClose.backfill': Record<string, never>;
  }
}

const HOUR = 3_600_000;
/** The share of the wait after which the customer is reminded. */
export const REMINDER_SHARE = 0.7;

/**
 * When the customer of a ticket answered at `answeredAt` is reminded, and when the ticket closes: 70 %
 * and 100 % of the wait after the answer. Counted from `now` when that is later (a ticket answered
 * before the upgrade), so that no ticket closes less than the last 30 % of the wait after its reminder.
 */
export function autoCloseSchedule(answeredAt: Date, now: Date, hours: number): { remindAt: Date; closeAt: Date } {
  const wait = hours * HOUR;
  const remindAt = Math.max(answeredAt.getTime() + Math.round(REMINDER_SHARE * wait), now.getTime());
  const closeAt = Math.max(answeredAt.getTime() + Math.round(wait), remindAt + Math.round((1 - REMINDER_SHARE) * wait));
  return { remindAt: new Date(remindAt), closeAt: new Date(closeAt) };
}

/**
 * Whether a ticket still waits for its customer since the answer a job counts from: still ANSWERED,
 * and nothing moved `updated_at` since (a customer's reply, a status button, or a later answer, which
 * queued jobs of its own).
 */
export function awaitsCustomerSince(ticket: Pick<SupportTicket, 'status' | 'updatedAt'>, answeredAt: Date): boolean {
  return nextStatus(ticket.status, 'autoClose') !== undefined && ticket.updatedAt.getTime() === answeredAt.getTime();
}

/** How long a ticket waited, in the reader's language: whole days from three days on, else hours, minutes or seconds (rounded down). */
export function describeWait(hours: number, locale: string): string {
  const [unit, amount] =
    hours >= 72 ? ['day', hours / 24] : hours >= 1 ? ['hour', hours] : hours * 60 >= 1 ? ['minute', hours * 60] : ['second', hours * 3600];
  const format = new Intl.NumberFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { style: 'unit', unit, unitDisplay: 'long' });
  return format.format(Math.max(1, Math.floor(amount)));
}

/** The keys of a ticket's auto-close jobs: one waiting reminder and one waiting close per ticket. */
export const autoCloseKeys = (ticketId: string) => ({
  remind: `email.autoCloseReminder:${ticketId}`,
  close: `autoClose.close:${ticketId}`,
});

/** A job of the auto-close, before it is queued. */
export interface AutoCloseJobSpec {
  task: 'email.autoCloseReminder' | 'autoClose.close';
  payload: AutoCloseJob;
  runAt: Date;
  key: string;
}

/** The reminder and the close of each answered ticket; queued with their keys, they replace those of an earlier answer. */
export function autoCloseJobs(hours: number, answered: { id: string; answeredAt: Date }[], now: Date): AutoCloseJobSpec[] {
  return answered.flatMap(({ id, answeredAt }) => {
    const { remindAt, closeAt } = autoCloseSchedule(answeredAt, now, hours);
    const payload = { ticketId: id, answeredAt: answeredAt.toISOString(), closeAt: closeAt.toISOString() };
    const keys = autoCloseKeys(id);
    return [
      { task: 'email.autoCloseReminder' as const, payload, runAt: remindAt, key: keys.remind },
      { task: 'autoClose.close' as const, payload, runAt: closeAt, key: keys.close },
    ];
  });
}

/** Tickets per backfill transaction (as the lifecycle's backfill). */
export const AUTO_CLOSE_BACKFILL_BATCH = 2000;
const BACKFILL_KEY = 'autoClose.backfill';

type AutoCloseConfig = Pick<LifecycleConfig, 'autoCloseAfterHours'>;

/**
 * The auto-close job (docs/architecture.md §10): closes through the ticket commands, as the system, a
 * ticket that still waits for its customer since the answer; otherwise, or run again, it does nothing.
 * With auto-close turned off since, waiting jobs do nothing.
 */
export function defineAutoCloseJob(tasks: JobTasks, { commands, config }: { commands: TicketCommands; config: AutoCloseConfig }) {
  tasks.define('autoClose.close', async ({ ticketId, answeredAt, closeAt }) => {
    if (config.autoCloseAfterHours === null) return;
    await commands.autoCloseTicket(ticketId, new Date(answeredAt), (Date.parse(closeAt) - Date.parse(answeredAt)) / HOUR);
  });
}

/**
 * `autoClose.backfill`, on the owner's connections: gives a batch of the tickets that were ANSWERED at
 * the upgrade (`auto_close_pending`) their jobs, counted from their `updated_at`, and queues the next
 * batch in the same transaction, so a crash loses no batch and holds no lock long.
 */
export function defineAutoCloseBackfill(
  tasks: JobTasks,
  { system, config, batch = AUTO_CLOSE_BACKFILL_BATCH }: { system: DataSource; config: AutoCloseConfig; batch?: number },
) {
  const hours = config.autoCloseAfterHours;
  tasks.define('autoClose.backfill', async () => {
    if (hours === null) return;
    await system.transaction(async (manager) => {
      const [taken]: [{ ticket_id: string }[], number] = await manager.query(
        `DELETE FROM auto_close_pending WHERE ticket_id IN (SELECT ticket_id FROM auto_close_pending ORDER BY ticket_id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING ticket_id`,
        [batch],
      );
      // Locked against the desk's own writes: an answer committed first is read here, one after waits for this batch.
      const rows: { id: string; updated_at: Date }[] = await manager.query(
        `SELECT id, updated_at FROM support_tickets WHERE id = ANY($1) AND status = 'answered' ORDER BY id FOR UPDATE`,
        [taken.map((row) => row.ticket_id)],
      );
      const jobs = autoCloseJobs(
        hours,
        rows.map((row) => ({ id: row.id, answeredAt: row.updated_at })),
        new Date(),
      );
      // One statement for the batch: a job queued at a time costs a scan of the queue each while its
      // statistics lag behind the rows just added (60 s for the third batch of 2,000, measured).
      await manager.query(
        `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
           SELECT ROW(j.task, j.payload, NULL, j.run_at, NULL, j.key, NULL, NULL)::graphile_worker.job_spec
             FROM unnest($1::text[], $2::json[], $3::timestamptz[], $4::text[]) AS j (task, payload, run_at, key)))`,
        [jobs.map((j) => j.task), jobs.map((j) => JSON.stringify(j.payload)), jobs.map((j) => j.runAt), jobs.map((j) => j.key)],
      );
      if (taken.length === batch) await manager.query(`SELECT enqueue_job('autoClose.backfill', '{}', NULL, $1, NULL)`, [BACKFILL_KEY]);
    });
  });
}

/** Queues the backfill when auto-close is on and tickets answered before it remain (once across instances). */
export async function resumeAutoCloseBackfill(system: DataSource, config: AutoCloseConfig): Promise<void> {
  if (config.autoCloseAfterHours === null) return;
  await system.query(`SELECT enqueue_job('autoClose.backfill', '{}', NULL, $1, NULL) WHERE EXISTS (SELECT 1 FROM auto_close_pending)`, [
    BACKFILL_KEY,
  ]);
}
