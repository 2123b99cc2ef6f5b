import { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNT_SHARDS } from './1764200000000-TicketCounts';
import { AssignmentCounts1764409000000 } from './1764409000000-AssignmentCounts';

/** A row's group: its assignee (nobody first) and whether it is closed, in the order rows are touched. */
const GROUP_ORDER = 'assignee_id NULLS FIRST, closed';

/**
 * Closed tickets too in `support_assignment_counts` (migration AssignmentCounts): a `closed` column,
 * so that the "Mine" and "Unassigned" lists' `totalCount` (all their tickets) reads the roll-up as
 * `SupportStats.mine`/`.unassigned` (the not-closed ones) do. Counted under row-level security, a
 * list's total read every matching row: 450–700 ms for the busiest agent's 278k tickets at 1M
 * (`npm run bench`, docs/architecture.md §8). Every update that assigns, closes or reopens already
 * runs the trigger; it now moves the ticket between (assignee, closed) groups instead of in or out.
 */
export class AssignmentCountsClosed1764410000000 implements MigrationInterface {
  name = 'AssignmentCountsClosed1764410000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE support_tickets IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`ALTER TABLE support_assignment_counts ADD COLUMN closed boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE support_assignment_counts DROP CONSTRAINT support_assignment_counts_assignee_id_shard_key`);
    await q.query(
      `ALTER TABLE support_assignment_counts ADD CONSTRAINT support_assignment_counts_group UNIQUE NULLS NOT DISTINCT (assignee_id, closed, shard)`,
    );
    await q.query(`DROP FUNCTION support_assignment_counts_add(uuid, bigint)`);
    await q.query(`
      CREATE FUNCTION support_assignment_counts_add(p_assignee uuid, p_closed boolean, p_tickets bigint)
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
        INSERT INTO support_assignment_counts AS c (assignee_id, closed, shard, tickets)
        VALUES (p_assignee, p_closed, pg_backend_pid() % ${COUNT_SHARDS}, p_tickets)
        ON CONFLICT (assignee_id, closed, shard) DO UPDATE SET tickets = c.tickets + EXCLUDED.tickets
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION support_assignment_counts_add(uuid, boolean, bigint) FROM PUBLIC`);
    for (const [event, sign] of [
      ['inserted', ''],
      ['deleted', '-'],
    ] as const) {
      await q.query(`
        CREATE OR REPLACE FUNCTION support_assignment_counts_${event}() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
          PERFORM support_assignment_counts_add(g.assignee_id, g.closed, ${sign}g.n)
             FROM (SELECT assignee_id, status = 'closed' AS closed, count(*) AS n FROM ${event}
                    GROUP BY 1, 2 ORDER BY ${GROUP_ORDER}) g;
          RETURN NULL;
        END $$`);
    }
    // The trigger's WHEN already picks the updates that assign, unassign, close or reopen.
    await q.query(`
      CREATE OR REPLACE FUNCTION support_assignment_counts_updated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        PERFORM support_assignment_counts_add(g.assignee_id, g.closed, g.n)
           FROM (VALUES (OLD.assignee_id, OLD.status = 'closed', -1), (NEW.assignee_id, NEW.status = 'closed', 1))
                AS g (assignee_id, closed, n)
          ORDER BY ${GROUP_ORDER};
        RETURN NULL;
      END $$`);
    await q.query(`
      INSERT INTO support_assignment_counts (assignee_id, closed, shard, tickets)
      SELECT assignee_id, true, 0, count(*) FROM support_tickets WHERE status = 'closed' GROUP BY assignee_id`);
  }

  /** Back to the roll-up as migration AssignmentCounts makes it: dropped and made again from the tickets. */
  public async down(q: QueryRunner): Promise<void> {
    for (const event of ['truncated', 'updated', 'deleted', 'inserted']) {
      await q.query(`DROP TRIGGER support_assignment_counts_${event} ON support_tickets`);
      await q.query(`DROP FUNCTION support_assignment_counts_${event}()`);
    }
    await q.query(`DROP FUNCTION support_assignment_counts_add(uuid, boolean, bigint)`);
    await q.query(`DROP TABLE support_assignment_counts`);
    await new AssignmentCounts1764409000000().up(q);
  }
}
