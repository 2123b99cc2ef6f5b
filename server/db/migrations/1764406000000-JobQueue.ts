import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

/**
 * The one privilege the application role gets on the job queue (server/jobs): adding a job, inside
 * its own transaction, through this function. The queue's tables (schema `graphile_worker`,
 * installed by graphile-worker itself as the owner) stay out of its reach; the worker reads them
 * with an owner connection. PL/pgSQL resolves `graphile_worker.add_job` when called, so this can be
 * created before the queue's schema is.
 */
export class JobQueue1764406000000 implements MigrationInterface {
  name = 'JobQueue1764406000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION enqueue_job(identifier text, payload json, run_at timestamptz, job_key text, max_attempts int) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        -- identifier, payload, queue_name, run_at, max_attempts, job_key
        PERFORM graphile_worker.add_job(identifier, payload, NULL, run_at, max_attempts, job_key);
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION enqueue_job(text, json, timestamptz, text, int) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION enqueue_job(text, json, timestamptz, text, int) TO ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION enqueue_job(text, json, timestamptz, text, int)`);
  }
}
