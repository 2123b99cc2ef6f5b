import { MigrationInterface, QueryRunner } from 'typeorm';
import { BACKEND_SHARD, WRITER_SHARD, reportTriggerFunctions } from './1764418000000-Reports';

/** How many writers' shards today's and yesterday's report rows may have. */
const WRITER_SHARDS = 64;

/**
 * The report roll-ups' rows of today and yesterday (migration Reports) go to a shard that no other
 * open transaction writes. They went to the backend's own, pg_backend_pid() % 16, and once the
 * trigger-kept counts stopped queueing writers (migration FreeCounterShards), new tickets queued here
 * instead: sixteen concurrent writers, two often with the same number, all adding to today's row of
 * their category (the roll-up statement of a new ticket took 25 ms on average at 1M, pg_stat_statements,
 * README "Ten times the scale"). The roll-up adds a day's groups in one set-based statement, which
 * cannot skip locked rows as the counts do, so the shard is claimed instead: the first of 64 numbers
 * whose transaction-scoped advisory lock this transaction can take. The lock is held until the
 * transaction ends, so a writer only ever writes shards no other open transaction writes (a later
 * claim returns this one again, or a lower one released since).
 */
const WRITER_SHARD_FUNCTION = `
  CREATE FUNCTION support_report_writer_shard() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    FOR shard IN 0..${WRITER_SHARDS - 1} LOOP
      IF pg_try_advisory_xact_lock(hashtext('lex-support:report-writer-shard'), shard) THEN RETURN shard; END IF;
    END LOOP;
    RETURN pg_backend_pid() % ${WRITER_SHARDS};
  END $$`;

export class FreeReportShards1764425000000 implements MigrationInterface {
  name = 'FreeReportShards1764425000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(WRITER_SHARD_FUNCTION);
    await q.query(`REVOKE ALL ON FUNCTION support_report_writer_shard() FROM PUBLIC`);
    for (const statement of reportTriggerFunctions(WRITER_SHARD)) await q.query(statement);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const statement of reportTriggerFunctions(BACKEND_SHARD)) await q.query(statement);
    await q.query(`DROP FUNCTION support_report_writer_shard()`);
  }
}
