import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';
import { COUNT_SHARDS } from './1764200000000-TicketCounts';

const TEAM = '(SELECT lex_viewer_is_team())';
const VIEWER = '(SELECT lex_viewer_id())';
const OWN_TICKET = `ticket_id IN (SELECT id FROM support_tickets WHERE user_id = ${VIEWER})`;
// CUSTOMER_EVENT_KINDS: what a customer's timeline shows; the rest is the Lex team's.
const CUSTOMER_KINDS = `kind IN ('created', 'status_changed', 'auto_closed', 'rated')`;
// A customer's own transactions record only what they did themselves (opening, a status their reply
// or close moved, a rating), as themselves.
const CUSTOMER_WRITES = `kind IN ('created', 'status_changed', 'rated') AND actor_role = 'customer' AND actor_id = ${VIEWER}`;
const STATUS = `text CHECK (%s IN ('open', 'in_progress', 'answered', 'closed'))`;

/**
 * The ticket counts' functions and update trigger (migration TicketCounts), with `sla_missed` (this
 * migration) or without it (as before, for down). A ticket missed its first-response time for good
 * when it was answered after it, or closed unanswered after it (docs/architecture.md §10); an open,
 * unanswered ticket past its due time is counted from its own index, as that changes with the clock.
 */
function countFunctions(sla: boolean): string[] {
  const missed = (row: string) => `support_ticket_sla_missed(${row}.first_response_at, ${row}.closed_at, ${row}.first_response_due_at)`;
  const [param, column, value, update] = sla
    ? [', p_sla_missed bigint', ', sla_missed', ', p_sla_missed', ', sla_missed = c.sla_missed + EXCLUDED.sla_missed']
    : ['', '', '', ''];
  const sum = sla ? `, sum(${missed('g0')}) AS missed` : '';
  const arg = (sign: string) => (sla ? `, ${sign}g.missed` : '');
  const delta = (row: 'NEW' | 'OLD') => (sla ? `, ${row === 'OLD' ? '-' : ''}${missed(row)}` : '');
  const changed = sla
    ? ` OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
        OR OLD.first_response_due_at IS DISTINCT FROM NEW.first_response_due_at`
    : '';
  const bulk = (name: string, table: string, sign: string) => `
    CREATE OR REPLACE FUNCTION support_ticket_counts_${name}() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
      PERFORM support_ticket_counts_add(g.status, g.category, ${sign}g.n, ${sign}g.unread${arg(sign)})
         FROM (SELECT status, category, count(*) AS n, sum(admin_unread_count) AS unread${sum}
                 FROM ${table} g0 GROUP BY status, category ORDER BY status, category) g;
      RETURN NULL;
    END $$`;
  return [
    `CREATE OR REPLACE FUNCTION support_ticket_counts_add(p_status text, p_category text, p_tickets bigint, p_admin_unread bigint${param})
     RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
       INSERT INTO support_ticket_counts AS c (status, category, shard, tickets, admin_unread${column})
       VALUES (p_status, p_category, pg_backend_pid() % ${COUNT_SHARDS}, p_tickets, p_admin_unread${value})
       ON CONFLICT (status, category, shard)
       DO UPDATE SET tickets = c.tickets + EXCLUDED.tickets, admin_unread = c.admin_unread + EXCLUDED.admin_unread${update}
     $$`,
    `REVOKE ALL ON FUNCTION support_ticket_counts_add(text, text, bigint, bigint${sla ? ', bigint' : ''}) FROM PUBLIC`,
    bulk('inserted', 'inserted', ''),
    bulk('deleted', 'deleted', '-'),
    `CREATE OR REPLACE FUNCTION support_ticket_counts_updated() RETURNS trigger
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
     BEGIN
       IF OLD.status = NEW.status AND OLD.category = NEW.category THEN
         PERFORM support_ticket_counts_add(NEW.status, NEW.category, 0, NEW.admin_unread_count - OLD.admin_unread_count${sla ? `, ${missed('NEW')} - ${missed('OLD')}` : ''});
       ELSIF (OLD.status, OLD.category) < (NEW.status, NEW.category) THEN
         PERFORM support_ticket_counts_add(OLD.status, OLD.category, -1, -OLD.admin_unread_count${delta('OLD')});
         PERFORM support_ticket_counts_add(NEW.status, NEW.category, 1, NEW.admin_unread_count${delta('NEW')});
       ELSE
         PERFORM support_ticket_counts_add(NEW.status, NEW.category, 1, NEW.admin_unread_count${delta('NEW')});
         PERFORM support_ticket_counts_add(OLD.status, OLD.category, -1, -OLD.admin_unread_count${delta('OLD')});
       END IF;
       RETURN NULL;
     END $$`,
    `DROP TRIGGER support_ticket_counts_updated ON support_tickets`,
    `CREATE TRIGGER support_ticket_counts_updated AFTER UPDATE ON support_tickets FOR EACH ROW
     WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.category IS DISTINCT FROM NEW.category
           OR OLD.admin_unread_count IS DISTINCT FROM NEW.admin_unread_count${changed})
     EXECUTE FUNCTION support_ticket_counts_updated()`,
  ];
}

/**
 * The lifecycle (docs/architecture.md §10): `ticket_events`, each ticket's timeline, under row-level
 * security like replies (customers reach only the customer kinds of their own tickets); the first
 * public team reply and the first-response due time on the ticket, with the index of the
 * `slaBreached` list. Existing tickets are left without a due time: the job `lifecycle.backfill`
 * gives them their CREATED event, first response and due time in short batches once the server
 * runs (their past status changes and assignments were never recorded and are not invented).
 */
export class Lifecycle1764412000000 implements MigrationInterface {
  name = 'Lifecycle1764412000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ticket_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        ticket_id uuid NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('created', 'status_changed', 'assigned', 'unassigned', 'auto_closed', 'rated')),
        actor_id uuid,
        actor_name text,
        actor_role text CHECK (actor_role IN ('customer', 'superadmin')),
        from_status ${STATUS.replace('%s', 'from_status')},
        to_status ${STATUS.replace('%s', 'to_status')},
        assignee_name text,
        created_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
      )`);
    // A ticket's timeline in order: by time, then as written (a backfilled CREATED may be written after later events).
    await q.query(`CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, created_at, seq)`);
    await q.query(`ALTER TABLE ticket_events ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY ticket_events_read ON ticket_events FOR SELECT USING (${TEAM} OR (${CUSTOMER_KINDS} AND ${OWN_TICKET}))`);
    await q.query(
      `CREATE POLICY ticket_events_write ON ticket_events FOR INSERT WITH CHECK (${TEAM} OR (${CUSTOMER_WRITES} AND ${OWN_TICKET}))`,
    );
    // A timeline is only ever added to.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ticket_events FROM ${APP_ROLE}`);

    await q.query(`ALTER TABLE support_tickets ADD COLUMN first_response_at timestamptz, ADD COLUMN first_response_due_at timestamptz(3)`);
    // slaBreached: true reads the tickets that may have missed their due time in list order; the
    // rest of the condition (due passed, or answered late) is checked on these rows.
    await q.query(
      `CREATE INDEX support_tickets_sla_idx ON support_tickets (updated_at DESC, id DESC)
        WHERE first_response_at IS NULL OR first_response_at > first_response_due_at`,
    );
    // The tickets the backfill has yet to do; empty once it is done, and new tickets never enter it.
    await q.query(`CREATE INDEX support_tickets_lifecycle_pending_idx ON support_tickets (id) WHERE first_response_due_at IS NULL`);

    // Counting slaBreached lists without reading them: breaches for good in the trigger-kept counts,
    // open unanswered tickets past due from this index (index-only, the policy's user_id included).
    await q.query(
      `CREATE INDEX support_tickets_awaiting_response_idx ON support_tickets (first_response_due_at) INCLUDE (user_id, status, category)
        WHERE first_response_at IS NULL AND closed_at IS NULL`,
    );
    await q.query(`
      CREATE FUNCTION support_ticket_sla_missed(first_response_at timestamptz, closed_at timestamptz, due timestamptz) RETURNS int
      LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN coalesce(first_response_at, closed_at) > due THEN 1 ELSE 0 END $$`);
    await q.query(`ALTER TABLE support_ticket_counts ADD COLUMN sla_missed bigint NOT NULL DEFAULT 0`);
    const old = 'support_ticket_counts_add(text, text, bigint, bigint)';
    for (const statement of countFunctions(true)) await q.query(statement);
    await q.query(`DROP FUNCTION ${old}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF to_regclass('graphile_worker._private_jobs') IS NOT NULL THEN
          DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks k
           WHERE j.task_id = k.id AND k.identifier IN ('sla.overdue', 'lifecycle.backfill');
        END IF;
      END $$`);
    for (const statement of countFunctions(false)) await q.query(statement);
    await q.query(`DROP FUNCTION support_ticket_counts_add(text, text, bigint, bigint, bigint)`);
    await q.query(`ALTER TABLE support_ticket_counts DROP COLUMN sla_missed`);
    await q.query(`DROP FUNCTION support_ticket_sla_missed(timestamptz, timestamptz, timestamptz)`);
    await q.query(`ALTER TABLE support_tickets DROP COLUMN first_response_due_at, DROP COLUMN first_response_at`);
    await q.query(`DROP TABLE ticket_events`);
  }
}
