import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

/** Counter rows per (status, category), spread over this many shards so that writers rarely share one. */
export const COUNT_SHARDS = 16;

/**
 * Exact ticket counts without reading a million rows (issue 8): `support_ticket_counts` holds the
 * number of tickets and the sum of `admin_unread_count` per (status, category), kept by triggers in
 * the same transaction as the change, so a count is exactly as current as the rows it counts.
 * supportStats, the superadmin's badge and the totals of the unfiltered, status and category lists
 * read it (a handful of rows) instead of counting 1M tickets (100–200 ms each, measured).
 *
 * Each backend adds to its own shard (pg_backend_pid() % 16), so concurrent writers seldom wait on
 * one counter row; a change that moves a ticket between groups touches its two rows in a fixed order.
 * The app role may only read the table; the triggers write it as its owner.
 *
 * Also: a partial index for the customer's unread count (badge, unreadReplyCount), which otherwise
 * reads every ticket of the customer.
 */
export class TicketCounts1764200000000 implements MigrationInterface {
  name = 'TicketCounts1764200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE support_tickets IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`
      CREATE TABLE support_ticket_counts (
        status text NOT NULL,
        category text NOT NULL,
        shard smallint NOT NULL,
        tickets bigint NOT NULL DEFAULT 0,
        admin_unread bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (status, category, shard)
      )`);
    await q.query(`
      CREATE FUNCTION support_ticket_counts_add(p_status text, p_category text, p_tickets bigint, p_admin_unread bigint)
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
        INSERT INTO support_ticket_counts AS c (status, category, shard, tickets, admin_unread)
        VALUES (p_status, p_category, pg_backend_pid() % ${COUNT_SHARDS}, p_tickets, p_admin_unread)
        ON CONFLICT (status, category, shard)
        DO UPDATE SET tickets = c.tickets + EXCLUDED.tickets, admin_unread = c.admin_unread + EXCLUDED.admin_unread
      $$`);
    // Inserts and deletes per statement (a bulk load costs one upsert per group, not per row).
    await q.query(`
      CREATE FUNCTION support_ticket_counts_inserted() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        PERFORM support_ticket_counts_add(g.status, g.category, g.n, g.unread)
           FROM (SELECT status, category, count(*) AS n, sum(admin_unread_count) AS unread
                   FROM inserted GROUP BY status, category ORDER BY status, category) g;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION support_ticket_counts_deleted() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        PERFORM support_ticket_counts_add(g.status, g.category, -g.n, -g.unread)
           FROM (SELECT status, category, count(*) AS n, sum(admin_unread_count) AS unread
                   FROM deleted GROUP BY status, category ORDER BY status, category) g;
        RETURN NULL;
      END $$`);
    // Updates per row, and only those that move a ticket between groups or change its unread count.
    await q.query(`
      CREATE FUNCTION support_ticket_counts_updated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF OLD.status = NEW.status AND OLD.category = NEW.category THEN
          PERFORM support_ticket_counts_add(NEW.status, NEW.category, 0, NEW.admin_unread_count - OLD.admin_unread_count);
        ELSIF (OLD.status, OLD.category) < (NEW.status, NEW.category) THEN
          PERFORM support_ticket_counts_add(OLD.status, OLD.category, -1, -OLD.admin_unread_count);
          PERFORM support_ticket_counts_add(NEW.status, NEW.category, 1, NEW.admin_unread_count);
        ELSE
          PERFORM support_ticket_counts_add(NEW.status, NEW.category, 1, NEW.admin_unread_count);
          PERFORM support_ticket_counts_add(OLD.status, OLD.category, -1, -OLD.admin_unread_count);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER support_ticket_counts_inserted AFTER INSERT ON support_tickets
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION support_ticket_counts_inserted()`);
    await q.query(`
      CREATE TRIGGER support_ticket_counts_deleted AFTER DELETE ON support_tickets
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION support_ticket_counts_deleted()`);
    await q.query(`
      CREATE TRIGGER support_ticket_counts_updated AFTER UPDATE ON support_tickets FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.category IS DISTINCT FROM NEW.category
            OR OLD.admin_unread_count IS DISTINCT FROM NEW.admin_unread_count)
      EXECUTE FUNCTION support_ticket_counts_updated()`);
    // Truncating tickets (tests reset tables) empties the counts too.
    await q.query(`
      CREATE FUNCTION support_ticket_counts_truncated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN DELETE FROM support_ticket_counts; RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER support_ticket_counts_truncated AFTER TRUNCATE ON support_tickets
      FOR EACH STATEMENT EXECUTE FUNCTION support_ticket_counts_truncated()`);

    await q.query(`
      INSERT INTO support_ticket_counts (status, category, shard, tickets, admin_unread)
      SELECT status, category, 0, count(*), sum(admin_unread_count) FROM support_tickets GROUP BY status, category`);
    await q.query(`REVOKE ALL ON support_ticket_counts FROM ${APP_ROLE}`);
    await q.query(`GRANT SELECT ON support_ticket_counts TO ${APP_ROLE}`);
    for (const fn of [
      'support_ticket_counts_add(text, text, bigint, bigint)',
      'support_ticket_counts_inserted()',
      'support_ticket_counts_deleted()',
      'support_ticket_counts_updated()',
      'support_ticket_counts_truncated()',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }

    await q.query(`
      CREATE INDEX support_tickets_customer_unread_idx ON support_tickets (user_id) INCLUDE (customer_unread_count)
       WHERE customer_unread_count > 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX support_tickets_customer_unread_idx`);
    await q.query(`DROP TRIGGER support_ticket_counts_truncated ON support_tickets`);
    await q.query(`DROP TRIGGER support_ticket_counts_updated ON support_tickets`);
    await q.query(`DROP TRIGGER support_ticket_counts_deleted ON support_tickets`);
    await q.query(`DROP TRIGGER support_ticket_counts_inserted ON support_tickets`);
    await q.query(`DROP FUNCTION support_ticket_counts_truncated()`);
    await q.query(`DROP FUNCTION support_ticket_counts_updated()`);
    await q.query(`DROP FUNCTION support_ticket_counts_deleted()`);
    await q.query(`DROP FUNCTION support_ticket_counts_inserted()`);
    await q.query(`DROP FUNCTION support_ticket_counts_add(text, text, bigint, bigint)`);
    await q.query(`DROP TABLE support_ticket_counts`);
  }
}
