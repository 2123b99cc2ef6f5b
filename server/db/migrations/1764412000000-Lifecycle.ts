import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

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
 * The lifecycle (docs/architecture.md §9): `ticket_events`, each ticket's timeline, under row-level
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
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF to_regclass('graphile_worker._private_jobs') IS NOT NULL THEN
          DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks k
           WHERE j.task_id = k.id AND k.identifier IN ('sla.overdue', 'lifecycle.backfill');
        END IF;
      END $$`);
    await q.query(`ALTER TABLE support_tickets DROP COLUMN first_response_due_at, DROP COLUMN first_response_at`);
    await q.query(`DROP TABLE ticket_events`);
  }
}
