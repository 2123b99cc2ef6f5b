import 'reflect-metadata';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { parseLifecycleConfig } from '../../server/config';
import { createDataSource, openDatabases } from '../../server/db/data-source';
import { Lifecycle1764412000000 } from '../../server/db/migrations/1764412000000-Lifecycle';
import { JobTasks, startJobWorker } from '../../server/jobs/job-queue';
import { DEFAULT_BUSINESS_HOURS, addBusinessHours, parseBusinessHours } from '../../server/lifecycle/business-hours';
import { defineLifecycleJobs, resumeLifecycleBackfill } from '../../server/lifecycle/ticket-lifecycle';
import { createLogger } from '../../server/logger';
import { TestDatabase, createTestDatabase } from '../helpers/database';
import { eventually } from './live-helpers';

// A desk that existed before the lifecycle: the migration leaves its tickets pending, and the job
// `lifecycle.backfill` gives each, batch by batch, its CREATED event, its first response from the
// replies on record, and the due time a new ticket would have got, computed set-based from the
// business calendar and equal to addBusinessHours for every ticket.
jest.setTimeout(60_000);
let database: TestDatabase;
let migrator: DataSource;
let owner: Pool;
const sql = async (text: string, params?: unknown[]) => (await owner.query(text, params)).rows;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = new Pool({ connectionString: database.url, max: 1 });
  migrator = await createDataSource(database.url, { poolSize: 1 }).initialize();
  // Back to the desk as it was before the lifecycle (and whatever came after it).
  while ((await sql(`SELECT 1 FROM migrations WHERE name = $1`, [new Lifecycle1764412000000().name])).length)
    await migrator.undoLastMigration({ transaction: 'each' });
});
afterAll(async () => {
  await migrator?.destroy();
  await owner?.end();
  await database?.drop();
});

it('backfills events, first responses and due times in batches, and schedules the overdue job of tickets not due yet', async () => {
  const [tenant] = await sql(`INSERT INTO tenants (name) VALUES ('Acme') RETURNING id`);
  const [customer] = await sql(
    `INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1, 'c@acme.example', 'Carla', 'customer', 'x') RETURNING id`,
    [tenant.id],
  );
  // Tickets every 61 hours and 7 minutes over two years in the past (weekends, nights, four DST changes), and one opened now.
  const start = Date.parse('2024-06-07T15:59:00Z');
  const opened = [...Array.from({ length: 300 }, (_, i) => new Date(start + i * (61 * 60 + 7) * 60_000)), new Date()];
  const tickets = await sql(
    `INSERT INTO support_tickets (tenant_id, user_id, user_email, user_name, subject, category, created_at, updated_at)
     SELECT $1, $2, 'c@acme.example', 'Carla', 'Subject ' || n, 'Other', at, at FROM unnest($3::timestamptz[]) WITH ORDINALITY AS o (at, n)
     RETURNING id, created_at`,
    [tenant.id, customer.id, opened],
  );
  const [answered, noted, unanswered] = tickets;
  // Replies: the customer's, a note, then the public answer (the first response), then another.
  const reply = (ticketId: string, minutes: number, isAdmin: boolean, internal = false) =>
    sql(
      `INSERT INTO support_replies (ticket_id, message, is_admin, sender_name, is_internal, created_at) VALUES ($1, 'm', $2, 'x', $3, $4)`,
      [ticketId, isAdmin, internal, new Date(Date.parse('2025-02-01T00:00:00Z') + minutes * 60_000)],
    );
  await reply(answered.id, 1, false);
  await reply(answered.id, 2, true, true);
  await reply(answered.id, 3, true);
  await reply(answered.id, 4, true);
  await reply(noted.id, 1, true, true);
  await reply(unanswered.id, 1, false);

  await migrator.runMigrations({ transaction: 'each' });
  expect(await sql(`SELECT count(*)::int AS n FROM support_tickets WHERE first_response_due_at IS NULL`)).toEqual([{ n: opened.length }]);
  // As a server with a worker does at start, in batches of 50 here.
  const databases = await openDatabases(database.url, { poolSize: 2 });
  const tasks = new JobTasks();
  defineLifecycleJobs(tasks, {
    system: databases.system,
    listener: { ticketChanged: () => undefined },
    config: parseLifecycleConfig({}),
    batch: 50,
  });
  const worker = await startJobWorker({ ownerUrl: database.url, tasks, log: createLogger('silent'), pollIntervalMs: 100 });
  try {
    await resumeLifecycleBackfill(databases.system);
    const pending = async () => (await sql(`SELECT count(*)::int AS n FROM support_tickets WHERE first_response_due_at IS NULL`))[0].n;
    await eventually(async () => (await pending()) === 0, 'the backfill', 30_000);
  } finally {
    await worker.stop();
    await databases.destroy();
  }

  const hours = parseBusinessHours(DEFAULT_BUSINESS_HOURS);
  const rows = await sql(`SELECT id, created_at, first_response_at, first_response_due_at FROM support_tickets ORDER BY created_at`);
  expect(rows).toHaveLength(opened.length);
  for (const row of rows)
    expect([row.created_at, row.first_response_due_at]).toEqual([row.created_at, addBusinessHours(hours, row.created_at, 8)]);
  const firstResponses = Object.fromEntries(rows.map((r) => [r.id, r.first_response_at?.toISOString() ?? null]));
  expect([firstResponses[answered.id], firstResponses[noted.id], firstResponses[unanswered.id]]).toEqual([
    '2025-02-01T00:03:00.000Z',
    null,
    null,
  ]);

  const events = await sql(
    `SELECT ticket_id, kind, actor_id, actor_name, actor_role, to_status, created_at FROM ticket_events ORDER BY created_at, seq`,
  );
  expect(events).toEqual(
    rows.map((t) => ({
      ticket_id: t.id,
      kind: 'created',
      actor_id: customer.id,
      actor_name: 'Carla',
      actor_role: 'customer',
      to_status: 'open',
      created_at: t.created_at,
    })),
  );
  // The trigger-kept count of breaches for good (answered after the due time) followed the backfill.
  expect(await sql(`SELECT sum(sla_missed)::int AS n FROM support_ticket_counts`)).toEqual(
    await sql(`SELECT count(*)::int AS n FROM support_tickets WHERE first_response_at > first_response_due_at`),
  );
  // Only the ticket opened just now is not due yet; the backfill's own jobs are done.
  const jobs = await sql(
    `SELECT j.key, j.payload, j.run_at FROM graphile_worker._private_jobs j
       JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier IN ('sla.overdue', 'lifecycle.backfill')`,
  );
  const last = rows.at(-1);
  expect(jobs).toEqual([{ key: `sla.overdue:${last.id}`, payload: { ticketId: last.id }, run_at: last.first_response_due_at }]);
});
