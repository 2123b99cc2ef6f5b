import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';
import { COUNT_SHARDS } from './1764200000000-TicketCounts';

/**
 * The dashboard's "Mine" and "Unassigned" numbers (`SupportStats.mine`, `.unassigned`): tickets that
 * are not closed, per assignee (null: nobody), kept by triggers in the same transaction as the change,
 * as `support_ticket_counts` is (docs/architecture.md §1). Every dashboard re-reads its stats after
 * each change it hears of; a count of the unassigned backlog read the whole backlog each time
 * (tens of thousands of index entries at 1M tickets), this reads a few rows.
 *
 * Sharded per backend like the ticket counts; a change that moves a ticket between assignees
 * touches its two rows in a fixed order (nobody first, then by id). Removing a user sets their
 * tickets' assignee to null through the foreign key, which runs the update trigger like any update.
 */
export class AssignmentCounts1764409000000 implements MigrationInterface {
  name = 'AssignmentCounts1764409000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE support_tickets IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`
      CREATE TABLE support_assignment_counts (
        assignee_id uuid,
        shard smallint NOT NULL,
        tickets bigint NOT NULL DEFAULT 0,
        UNIQUE NULLS NOT DISTINCT (assignee_id, shard)
      )`);
    await q.query(`
      CREATE FUNCTION support_assignment_counts_add(p_assignee uuid, p_tickets bigint)
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
        INSERT INTO support_assignment_counts AS c (assignee_id, shard, tickets)
        VALUES (p_assignee, pg_backend_pid() % ${COUNT_SHARDS}, p_tickets)
        ON CONFLICT (assignee_id, shard) DO UPDATE SET tickets = c.tickets + EXCLUDED.tickets
      $$`);
    for (const [event, transition, sign] of [
      ['inserted', 'NEW TABLE AS inserted', ''],
      ['deleted', 'OLD TABLE AS deleted', '-'],
    ] as const) {
      await q.query(`
        CREATE FUNCTION support_assignment_counts_${event}() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
          PERFORM support_assignment_counts_add(g.assignee_id, ${sign}g.n)
             FROM (SELECT assignee_id, count(*) AS n FROM ${event} WHERE status <> 'closed'
                    GROUP BY assignee_id ORDER BY assignee_id NULLS FIRST) g;
          RETURN NULL;
        END $$`);
      await q.query(`
        CREATE TRIGGER support_assignment_counts_${event} AFTER ${event === 'inserted' ? 'INSERT' : 'DELETE'} ON support_tickets
        REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION support_assignment_counts_${event}()`);
    }
    // Per row, and only for updates that assign, unassign, close or reopen.
    await q.query(`
      CREATE FUNCTION support_assignment_counts_updated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        was_counted boolean := OLD.status <> 'closed';
        is_counted boolean := NEW.status <> 'closed';
      BEGIN
        IF was_counted AND is_counted AND OLD.assignee_id IS NOT NULL
           AND (NEW.assignee_id IS NULL OR NEW.assignee_id < OLD.assignee_id) THEN
          PERFORM support_assignment_counts_add(NEW.assignee_id, 1);
          PERFORM support_assignment_counts_add(OLD.assignee_id, -1);
        ELSE
          IF was_counted THEN PERFORM support_assignment_counts_add(OLD.assignee_id, -1); END IF;
          IF is_counted THEN PERFORM support_assignment_counts_add(NEW.assignee_id, 1); END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER support_assignment_counts_updated AFTER UPDATE ON support_tickets FOR EACH ROW
      WHEN (OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
            OR (OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed'))
      EXECUTE FUNCTION support_assignment_counts_updated()`);
    await q.query(`
      CREATE FUNCTION support_assignment_counts_truncated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN DELETE FROM support_assignment_counts; RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER support_assignment_counts_truncated AFTER TRUNCATE ON support_tickets
      FOR EACH STATEMENT EXECUTE FUNCTION support_assignment_counts_truncated()`);

    await q.query(`
      INSERT INTO support_assignment_counts (assignee_id, shard, tickets)
      SELECT assignee_id, 0, count(*) FROM support_tickets WHERE status <> 'closed' GROUP BY assignee_id`);
    await q.query(`REVOKE ALL ON support_assignment_counts FROM ${APP_ROLE}`);
    await q.query(`GRANT SELECT ON support_assignment_counts TO ${APP_ROLE}`);
    for (const fn of ['add(uuid, bigint)', 'inserted()', 'deleted()', 'updated()', 'truncated()']) {
      await q.query(`REVOKE ALL ON FUNCTION support_assignment_counts_${fn} FROM PUBLIC`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const event of ['truncated', 'updated', 'deleted', 'inserted']) {
      await q.query(`DROP TRIGGER support_assignment_counts_${event} ON support_tickets`);
      await q.query(`DROP FUNCTION support_assignment_counts_${event}()`);
    }
    await q.query(`DROP FUNCTION support_assignment_counts_add(uuid, bigint)`);
    await q.query(`DROP TABLE support_assignment_counts`);
  }
}
