import 'reflect-metadata';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { Databases, openDatabases } from '../../server/db/data-source';
import { withViewer } from '../../server/db/viewer-transaction';
import { JobTasks, JobWorker, enqueue, startJobWorker } from '../../server/jobs/job-queue';
import { createLogger } from '../../server/logger';
import { TestDatabase, createTestDatabase } from '../helpers/database';

declare module '../../server/jobs/job-queue' {
  interface JobPayloads {
    'test.record': { n: number };
    'test.fail': { n: number };
  }
}

// The queue as the server uses it: jobs written by the row-level-secured application role inside
// its transactions, run by workers on owner connections.
// Adding a job needs no session: any transaction of the app's login role may (a well-formed key naming none).
const customer = { sessionKey: '0'.repeat(64) };
let database: TestDatabase;
let databases: Databases;
let db: DataSource;
let owner: Pool;
const workers: JobWorker[] = [];
const ran: Array<{ n: number; worker: number }> = [];
const lines: any[] = [];
const log = createLogger('warn', { write: (line: string) => lines.push(JSON.parse(line)) });

function worker(index: number, overrides: Partial<Record<'fail', (n: number) => Promise<void>>> = {}) {
  const tasks = new JobTasks()
    .define('test.record', async ({ n }) => void ran.push({ n, worker: index }))
    .define('test.fail', async ({ n }) => (overrides.fail ?? (() => Promise.reject(new Error(`job ${n} cannot be done`))))(n));
  return startJobWorker({ ownerUrl: database.url, tasks, log, pollIntervalMs: 100 }).then((w) => (workers.push(w), w));
}

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await check()) return;
  throw new Error('timed out');
};

beforeAll(async () => {
  database = await createTestDatabase();
  databases = await openDatabases(database.url, { poolSize: 4 });
  db = databases.app;
  owner = new Pool({ connectionString: database.url, max: 1 });
});
beforeEach(() => ((ran.length = 0), (lines.length = 0)));
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await owner.query(`DELETE FROM graphile_worker._private_jobs`);
});
afterAll(async () => {
  await owner.end();
  await databases.destroy();
  await database.drop();
});

test('a job written in a committed transaction runs; one in a rolled-back transaction never exists', async () => {
  await withViewer(db, customer, (manager) => enqueue(manager, 'test.record', { n: 1 }));
  await withViewer(db, customer, async (manager) => {
    await enqueue(manager, 'test.record', { n: 2 });
    throw new Error('the change fails');
  }).catch(() => undefined);
  await worker(1);
  await until(() => ran.length === 1);
  await new Promise((r) => setTimeout(r, 300));
  expect(ran.map((r) => r.n)).toEqual([1]);
});

test('the application role may add jobs but not read or change the queue', async () => {
  await expect(withViewer(db, customer, (manager) => manager.query(`SELECT * FROM graphile_worker._private_jobs`))).rejects.toThrow(
    /permission denied/,
  );
  await expect(withViewer(db, customer, (manager) => manager.query(`SELECT graphile_worker.add_job('test.record', '{}')`))).rejects.toThrow(
    /permission denied/,
  );
});

test('a job enqueued again under the same key replaces the waiting one (coalescing)', async () => {
  const runAt = new Date(Date.now() + 500);
  for (const n of [1, 2, 3])
    await withViewer(db, customer, (manager) => enqueue(manager, 'test.record', { n }, { key: 'ticket-1', runAt }));
  await worker(1);
  await until(() => ran.length === 1);
  await new Promise((r) => setTimeout(r, 600));
  expect(ran.map((r) => r.n)).toEqual([3]);
});

test('two workers on one queue run each job once', async () => {
  await Promise.all([worker(1), worker(2)]);
  await withViewer(db, customer, async (manager) => {
    for (let n = 0; n < 60; n++) await enqueue(manager, 'test.record', { n });
  });
  await until(() => ran.length >= 60);
  await new Promise((r) => setTimeout(r, 500));
  expect(ran.map((r) => r.n).sort((a, b) => a - b)).toEqual([...Array(60).keys()]);
  expect(new Set(ran.map((r) => r.worker)).size).toBe(2);
});

test('a failing job is retried, then kept with its last error and logged', async () => {
  let attempts = 0;
  await withViewer(db, customer, (manager) => enqueue(manager, 'test.fail', { n: 7 }, { maxAttempts: 2 }));
  await worker(1, { fail: async (n) => (attempts++, Promise.reject(new Error(`job ${n} cannot be done`))) });
  await until(() => lines.some((line) => /failed for good/.test(line.msg)), 15_000);
  expect(attempts).toBe(2);
  const {
    rows: [kept],
  } = await owner.query(`SELECT attempts, last_error FROM graphile_worker.jobs WHERE task_identifier = 'test.fail'`);
  expect(kept).toMatchObject({ attempts: 2, last_error: expect.stringContaining('job 7 cannot be done') });
  expect(lines.find((line) => /failed for good/.test(line.msg))).toMatchObject({ level: 50, job: 'test.fail' });
});

test('the app role cannot read the emails sent nor the email tokens', async () => {
  await expect(withViewer(db, customer, (manager) => manager.query(`SELECT * FROM sent_emails`))).rejects.toThrow(/permission denied/);
  await expect(withViewer(db, customer, (manager) => manager.query(`SELECT * FROM email_tokens`))).rejects.toThrow(/permission denied/);
});
