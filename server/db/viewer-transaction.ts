import { DataSource, EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Viewer } from '../auth/viewer';
import { FairShare } from './fair-share';

/** Who a transaction acts for: the session whose rows row-level security lets it reach. */
export type SessionHolder = Pick<Viewer, 'sessionKey'>;

/**
 * Transactions one session may run at once on an instance (the pool holds 10): the rest of that
 * session's work queues behind them instead of starving other tenants (docs/architecture.md §4).
 * No transaction opens another one for the same session, so a full share cannot wait on itself.
 */
export const MAX_TRANSACTIONS_PER_SESSION = 3;
const sessionShare = new FairShare(MAX_TRANSACTIONS_PER_SESSION);

const setViewer = (manager: EntityManager, viewer: SessionHolder) =>
  manager.query(`SELECT set_config('app.session', $1, true)`, [viewer.sessionKey]);

/**
 * Runs `work` in a transaction that knows who it acts for: `app.session` names the viewer's
 * session for this transaction only, for the database's own checks.
 */
export function withViewer<T>(db: DataSource, viewer: SessionHolder, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return sessionShare.run(viewer.sessionKey, () =>
    db.transaction(async (manager) => {
      await setViewer(manager, viewer);
      return work(manager);
    }),
  );
}

/**
 * Like `withViewer`, one writer at a time per `key`: a session lock on the key is held from before
 * the transaction until `afterCommit` has run, so what writers announce after committing is
 * announced in the order they committed.
 */
export function withViewerInTurn<T>(
  db: DataSource,
  viewer: SessionHolder,
  key: string,
  work: (manager: EntityManager) => Promise<T>,
  afterCommit: (result: T) => void,
): Promise<T> {
  return sessionShare.run(viewer.sessionKey, () => inTurn(db, viewer, key, work, afterCommit));
}

/**
 * Like `withViewerInTurn`, for the system (a job) on the owner's connections, which row-level
 * security does not confine: it takes its turn among the viewers' writes on the same key.
 */
export function withSystemInTurn<T>(
  system: DataSource,
  key: string,
  work: (manager: EntityManager) => Promise<T>,
  afterCommit: (result: T) => void,
): Promise<T> {
  return inTurn(system, null, key, work, afterCommit);
}

async function inTurn<T>(
  db: DataSource,
  viewer: SessionHolder | null,
  key: string,
  work: (manager: EntityManager) => Promise<T>,
  afterCommit: (result: T) => void,
): Promise<T> {
  const runner = db.createQueryRunner() as PostgresQueryRunner;
  await runner.connect();
  let broken: unknown;
  try {
    await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    try {
      await runner.startTransaction();
      let result: T;
      try {
        if (viewer) await setViewer(runner.manager, viewer);
        result = await work(runner.manager);
        await runner.commitTransaction();
      } catch (error) {
        // On a broken connection the rollback fails too; the error worth reporting is the first.
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
      afterCommit(result);
      return result;
    } finally {
      // A broken connection took its lock along; a live one must not go back to the pool holding it.
      if (!runner.isReleased)
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch((error) => (broken = error));
    }
  } finally {
    // Released with the error, pg-pool drops the connection instead of reusing it.
    if (broken) await runner['releasePostgresConnection'](broken);
    else await runner.release();
  }
}
