import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

/**
 * Auto-close (docs/architecture.md §10): the tickets ANSWERED at the upgrade, which no answer after it
 * has given their reminder and close jobs yet. The job `autoClose.backfill` queues theirs in batches,
 * counted from their `updated_at`, and empties this list; only the owner's (system) connections use it.
 */
export class AutoClose1764416000000 implements MigrationInterface {
  name = 'AutoClose1764416000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE auto_close_pending (ticket_id uuid PRIMARY KEY REFERENCES support_tickets (id) ON DELETE CASCADE)`);
    await q.query(`INSERT INTO auto_close_pending SELECT id FROM support_tickets WHERE status = 'answered'`);
    await q.query(`REVOKE ALL ON auto_close_pending FROM ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF to_regclass('graphile_worker._private_jobs') IS NOT NULL THEN
          DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks k
           WHERE j.task_id = k.id AND k.identifier IN ('autoClose.close', 'email.autoCloseReminder', 'autoClose.backfill');
        END IF;
      END $$`);
    await q.query(`DROP TABLE auto_close_pending`);
  }
}
