import 'reflect-metadata';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, openDatabases } from '../../server/db/data-source';
import { AutoClose1764416000000 } from '../../server/db/migrations/1764416000000-AutoClose';
import { JobTasks, startJobWorker } from '../../server/jobs/job-queue';
import { autoCloseKeys, autoCloseSchedule, defineAutoCloseBackfill, resumeAutoCloseBackfill } from '../../server/lifecycle/auto-close';
import { createLogger } from '../../server/logger';
import { TestDatabase, createTestDatabase } from '../helpers/database';
import { eventually } from './live-helpers';

// A desk that existed before auto-close: the migration lists the tickets ANSWERED then, and the job
// `autoClose.backfill` gives each still answered, batch by batch, the reminder and close a new answer
// gets, counted from its updated_at (docs/architecture.md §10).
jest.setTimeout(60_000);
let database: TestDatabase;
let migrator: DataSource;
let owner: Pool;
const sql = async (text: string, params?: unknown[]) => (await owner.query(text, params)).rows;
const HOURS = 168;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = new Pool({ connectionString: database.url, max: 1 });
  migrator = await createDataSource(database.url, { poolSize: 1 }).initialize();
  while ((await sql(`SELECT 1 FROM migrations WHERE name = $1`, [new AutoClose1764416000000().name])).length)
    await migrator.undoLastMigration({ transaction: 'each' });
});
afterAll(async () => {
  await migrator?.destroy();
  await owner?.end();
  await database?.drop();
});

it('lists the answered tickets at the upgrade and queues their jobs in batches, once, counted from their updated_at', async () => {
  const [tenant] = await sql(`INSERT INTO tenants (name) VALUES ('Acme') RETURNING id`);
  const [customer] = await sql(
    `INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1, 'c@acme.example', 'Carla', 'customer', 'x') RETURNING id`,
    [tenant.id],
  );
  const day = 86_400_000;
  // Answered a year, a month and six days ago (past the reminder), an hour ago (neither due yet), and
  // one answered that the customer replies to before the backfill; an open and a closed one.
  const ticketsAt = (status: string, ago: number[]) =>
    sql(
      `INSERT INTO support_tickets (tenant_id, user_id, user_email, user_name, subject, category, status, closed_at, updated_at, created_at)
       SELECT $1, $2, 'c@acme.example', 'Carla', 'S', 'Other', $3, CASE WHEN $3 = 'closed' THEN at END, at, at - interval '1 day'
         FROM unnest($4::timestamptz[]) AS at RETURNING id, updated_at`,
      [tenant.id, customer.id, status, ago.map((ms) => new Date(Date.now() - ms))],
    );
  const answered = await ticketsAt('answered', [365 * day, 30 * day, 6 * day, 3_600_000, 2 * day]);
  const others = await ticketsAt('open', [day]);
  others.push(...(await ticketsAt('closed', [day])));

  await migrator.runMigrations({ transaction: 'each' });
  const pending = async () => (await sql(`SELECT ticket_id FROM auto_close_pending ORDER BY ticket_id`)).map((r) => r.ticket_id);
  expect(await pending()).toEqual(answered.map((t) => t.id).sort());
  const replied = answered.pop()!;
  await sql(`UPDATE support_tickets SET status = 'open', updated_at = now() WHERE id = $1`, [replied.id]);

  // As a server with a worker and auto-close on does at start, in batches of 2 here.
  const databases = await openDatabases(database.url, { poolSize: 2 });
  const tasks = new JobTasks();
  defineAutoCloseBackfill(tasks, { system: databases.system, config: { autoCloseAfterHours: HOURS }, batch: 2 });
  const worker = await startJobWorker({ ownerUrl: database.url, tasks, log: createLogger('silent'), pollIntervalMs: 100 });
  const started = new Date();
  try {
    await resumeAutoCloseBackfill(databases.system, { autoCloseAfterHours: HOURS });
    await eventually(async () => (await pending()).length === 0, 'the backfill', 30_000);
    await eventually(
      async () => (await sql(`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'autoClose.backfill'`)).length === 0,
      'its last run',
    );
  } finally {
    await worker.stop();
    await databases.destroy();
  }
  const finished = new Date();

  const jobs = await sql(
    `SELECT j.key, j.payload, j.run_at FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
      WHERE k.identifier IN ('autoClose.close', 'email.autoCloseReminder') ORDER BY j.key`,
  );
  // Two jobs for each ticket still answered, none for the others.
  expect(jobs.map((j) => j.key).sort()).toEqual(answered.flatMap((t) => Object.values(autoCloseKeys(t.id))).sort());
  for (const ticket of answered) {
    const [remind, close] = [autoCloseKeys(ticket.id).remind, autoCloseKeys(ticket.id).close].map((key) => jobs.find((j) => j.key === key));
    expect(close.payload).toEqual(remind.payload);
    expect(close.payload).toEqual({
      ticketId: ticket.id,
      answeredAt: ticket.updated_at.toISOString(),
      closeAt: close.run_at.toISOString(),
    });
    // As autoCloseSchedule says for the moment its batch ran: a reminder past due is sent then, and the close follows 30 % of the wait after it.
    const earliest = autoCloseSchedule(ticket.updated_at, started, HOURS);
    const latest = autoCloseSchedule(ticket.updated_at, finished, HOURS);
    expect(remind.run_at.getTime()).toBeGreaterThanOrEqual(earliest.remindAt.getTime());
    expect(remind.run_at.getTime()).toBeLessThanOrEqual(latest.remindAt.getTime());
    expect(close.run_at.getTime() - remind.run_at.getTime()).toBeGreaterThanOrEqual(0.3 * HOURS * 3_600_000);
  }
  const recent = answered[3];
  expect(jobs.find((j) => j.key === autoCloseKeys(recent.id).close).run_at).toEqual(
    autoCloseSchedule(recent.updated_at, recent.updated_at, HOURS).closeAt,
  );
});
