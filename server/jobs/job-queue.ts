import { Pool } from 'pg';
import { EntityManager } from 'typeorm';
import { CronItem, Logger as WorkerLogger, Runner, Task, TaskList, parseCronItems, run, runMigrations } from 'graphile-worker';
import { Logger } from '../logger';

/**
 * Background jobs on the PostgreSQL we already run (graphile-worker). A job is written in the same
 * transaction as the change that causes it (a transactional outbox): a rolled-back change leaves
 * no job, a committed one is run even if this process dies right after the commit, by whichever
 * instance's worker takes it first (SKIP LOCKED). Failed jobs are retried with exponential backoff
 * (graphile-worker's exp(min(attempts, 10)) seconds) and keep their `last_error`.
 */

/** Each job's payload, by job name. Features add theirs by declaration merging of this interface. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface JobPayloads {}
export type JobName = keyof JobPayloads & string;

export interface EnqueueOptions {
  /** Not before this moment (default: now). */
  runAt?: Date;
  /**
   * At most one waiting job per key: enqueuing again with the same key replaces the waiting job's
   * payload and time (coalescing). A job already running keeps going and a new one is added.
   */
  key?: string;
  /** Attempts before the job is given up and kept with its error (default 25). */
  maxAttempts?: number;
}

/** Writes a job into the transaction of `manager`; it exists only if that transaction commits. */
export async function enqueue<N extends JobName>(manager: EntityManager, job: N, payload: JobPayloads[N], options: EnqueueOptions = {}) {
  // enqueue_job is the one privilege the application role has on the queue (see the JobQueue migration).
  await manager.query(`SELECT enqueue_job($1, $2::json, $3, $4, $5)`, [
    job,
    JSON.stringify(payload),
    options.runAt ?? null,
    options.key ?? null,
    options.maxAttempts ?? null,
  ]);
}

export interface JobContext {
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
  log: Logger;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], context: JobContext) => Promise<void>;

/** What graphile-worker hands a recurring job: the tick it was scheduled for. */
export interface RecurringPayload {
  _cron?: { ts: string; backfilled: boolean };
}

/** The handlers a worker runs, by job name, and the jobs it schedules itself. */
export class JobTasks {
  private readonly handlers = new Map<string, JobHandler<never>>();
  private readonly schedule: CronItem[] = [];

  define<N extends JobName>(job: N, handler: JobHandler<N>): this {
    if (this.handlers.has(job)) throw new Error(`The job ${job} is defined twice`);
    this.handlers.set(job, handler as JobHandler<never>);
    return this;
  }

  /**
   * A job run at every tick of `crontab` (minute resolution, UTC), by one worker of all instances:
   * graphile-worker records each tick in `known_crontabs` and only the instance that advances it
   * adds the job. A tick missed while no worker ran (`backfillMinutes` back) is run at the next start;
   * ticks piling up behind a busy queue coalesce into one waiting job (the job's key), and a failed
   * run is replaced by the next tick's.
   */
  recurring<N extends JobName>(job: N, crontab: string, handler: JobHandler<N>, { backfillMinutes = 0, maxAttempts = 3 } = {}): this {
    this.define(job, handler);
    this.schedule.push({
      task: job,
      match: crontab,
      identifier: job,
      options: { backfillPeriod: backfillMinutes * 60_000, jobKey: job, maxAttempts },
    });
    return this;
  }

  cronItems() {
    return parseCronItems(this.schedule);
  }

  taskList(log: Logger): TaskList {
    const list: TaskList = {};
    for (const [name, handler] of this.handlers) {
      const task: Task = (payload, helpers) =>
        handler(payload as never, {
          attempt: helpers.job.attempts,
          maxAttempts: helpers.job.max_attempts,
          log: log.child({ job: name, jobId: helpers.job.id }),
        });
      list[name] = task;
    }
    return list;
  }
}

/** Creates or updates the queue's own schema (`graphile_worker`), as the database's owner. */
export async function installJobQueue(ownerUrl: string): Promise<void> {
  await runMigrations({ connectionString: ownerUrl, logger: quietLogger });
}

/** How an instance runs its worker. */
export interface JobsOptions {
  /** An owner connection: the worker reads and updates the queue's private tables. */
  ownerUrl: string;
  /** Jobs run at once by this instance (also the size of its small pool, plus two). */
  concurrency?: number;
  /** How often jobs due later are looked for; new jobs due now are announced by LISTEN/NOTIFY. */
  pollIntervalMs?: number;
}

export interface JobWorkerOptions extends JobsOptions {
  tasks: JobTasks;
  log: Logger;
}

export interface JobWorker {
  /** Finishes the jobs in hand, takes no more. */
  stop(): Promise<void>;
}

/** Jobs one instance runs at once. */
export const DEFAULT_JOB_CONCURRENCY = 8;

export async function startJobWorker({
  ownerUrl,
  tasks,
  log,
  concurrency = DEFAULT_JOB_CONCURRENCY,
  pollIntervalMs = 1000,
}: JobWorkerOptions): Promise<JobWorker> {
  // Our own pool, so that a connection the database ends (a restart, a dropped database) is logged,
  // never an unhandled 'error' that ends the process, and so that stop() closes it.
  const pool = new Pool({ connectionString: ownerUrl, max: concurrency + 2 });
  pool.on('error', (error) => log.warn({ error: error.message }, 'A job worker connection failed; it reconnects'));
  const runner: Runner = await run({
    pgPool: pool,
    concurrency,
    pollInterval: pollIntervalMs,
    noHandleSignals: true,
    logger: workerLogger(log),
    taskList: tasks.taskList(log),
    parsedCronItems: tasks.cronItems(),
  });
  runner.events.on('job:failed', ({ job, error }) => {
    log.error(
      { job: job.task_identifier, jobId: job.id, attempts: job.attempts, err: error },
      'A job failed for good; it stays in graphile_worker.jobs with its last_error',
    );
  });
  return {
    stop: async () => {
      await runner.stop();
      await pool.end();
    },
  };
}

const LEVELS: Record<string, 'error' | 'warn' | 'debug'> = {
  error: 'error',
  warning: 'warn',
  info: 'debug', // the start/stop chatter of every worker
  debug: 'debug',
};

/** graphile-worker's lines in our log (its failed attempts arrive as warnings with the error). */
const workerLogger = (log: Logger) =>
  new WorkerLogger(() => (level, message, meta) => log[LEVELS[level] ?? 'warn']({ ...(meta ?? {}), source: 'jobs' }, message));

const quietLogger = new WorkerLogger(() => () => undefined);
