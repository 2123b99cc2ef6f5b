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

/** The hex SHA-256 of a session token, as `sessions.token_hash` holds it (server/auth/session.service.ts). */
const SESSION_KEY = /^[0-9a-f]{64}$/;

/**
 * Opens the runner's transaction for `viewer` in one round trip: BEGIN and `app.session` go as one
 * simple-protocol query, which takes no parameters, so the key is inlined as a literal; a key of any
 * other shape is refused before anything reaches SQL.
 */
async function beginAs(runner: PostgresQueryRunner, viewer: SessionHolder, begin = 'BEGIN'): Promise<void> {
  if (!SESSION_KEY.test(viewer.sessionKey)) throw new Error('A session key is the hex SHA-256 of a session token');
  // TypeORM's own record of an open transaction, as startTransaction keeps it: a save inside `work`
  // joins this transaction instead of opening one, and a failed BEGIN is rolled back like any.
  runner.isTransactionActive = true;
  runner['transactionDepth'] = 1;
  await runner.query(`${begin}; SELECT set_config('app.session', '${viewer.sessionKey}', true)`);
}

/**
 * Runs `work` in a transaction that knows who it acts for: `app.session` names the viewer's
 * session for this transaction only, for the database's own checks.
 */
export function withViewer<T>(db: DataSource, viewer: SessionHolder, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return sessionShare.run(viewer.sessionKey, () => viewerTransaction(db, viewer, 'BEGIN', work));
}

/**
 * Like `withViewer`, for reads: a READ ONLY transaction, whose result the caller gets as soon as
 * `work` has it, while its COMMIT (which can change nothing) goes out after; the session's place in
 * its fair share is held until the connection is back in the pool.
 */
export function readAsViewer<T>(db: DataSource, viewer: SessionHolder, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    sessionShare.run(viewer.sessionKey, () => viewerTransaction(db, viewer, 'BEGIN READ ONLY', work, resolve)).then(resolve, reject);
  });
}

async function viewerTransaction<T>(
  db: DataSource,
  viewer: SessionHolder,
  begin: string,
  work: (manager: EntityManager) => Promise<T>,
  beforeCommit?: (result: T) => void,
): Promise<T> {
  const runner = db.createQueryRunner() as PostgresQueryRunner;
  await runner.connect();
  try {
    await beginAs(runner, viewer, begin);
    const result = await work(runner.manager);
    beforeCommit?.(result);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    // On a broken connection the rollback fails too; the error worth reporting is the first.
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
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
      let result: T;
      try {
        if (viewer) await beginAs(runner, viewer);
        else await runner.startTransaction();
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
