import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

const TEAM = '(SELECT lex_viewer_is_team())';
const VIEWER = '(SELECT lex_viewer_id())';
const OWN_TICKET = `ticket_id IN (SELECT id FROM support_tickets WHERE user_id = ${VIEWER})`;

/**
 * Satisfaction (docs/architecture.md §10): a customer rates a closed ticket of their own, once per
 * close. The close it rates is part of the key (the ticket's `closed_at` at the time), so a ticket
 * reopened and closed again may be rated again, and a second rating of the same close is refused by
 * the key itself, even when two arrive at once. Row-level security as for replies: the team reads
 * every rating, a customer only their own; only the ticket's owner adds one, as themselves; a rating
 * is never changed or removed.
 */
export class Ratings1764415000000 implements MigrationInterface {
  name = 'Ratings1764415000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ticket_ratings (
        ticket_id uuid NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
        closed_at timestamptz(3) NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
        comment text CHECK (char_length(comment) BETWEEN 1 AND 2000),
        created_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (ticket_id, closed_at)
      )`);
    await q.query(`CREATE INDEX ticket_ratings_created_idx ON ticket_ratings (created_at)`);
    await q.query(`ALTER TABLE ticket_ratings ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY ticket_ratings_read ON ticket_ratings FOR SELECT USING (${TEAM} OR user_id = ${VIEWER})`);
    await q.query(`CREATE POLICY ticket_ratings_write ON ticket_ratings FOR INSERT WITH CHECK (user_id = ${VIEWER} AND ${OWN_TICKET})`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ticket_ratings FROM ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ticket_ratings`);
  }
}
