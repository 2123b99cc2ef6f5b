import { MigrationInterface, QueryRunner } from 'typeorm';

const TEAM = '(SELECT lex_viewer_is_team())';
const OWN_TICKETS = 'ticket_id IN (SELECT id FROM support_tickets WHERE user_id = (SELECT lex_viewer_id()))';
// A customer's session reaches only the public replies of their own tickets: notes are the Lex team's.
const NOTE_RULE = `${TEAM} OR (NOT is_internal AND ${OWN_TICKETS})`;
const PUBLIC_RULE = `${TEAM} OR ${OWN_TICKETS}`;

/**
 * Internal notes (docs/architecture.md §8): replies only the Lex team writes and reads. Row-level
 * security hides them from customer sessions, so even a forged query on the app's connection cannot
 * read or write one; only the team writes them (the CHECK).
 */
export class InternalNotes1764407000000 implements MigrationInterface {
  name = 'InternalNotes1764407000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE support_replies ADD COLUMN is_internal boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE support_replies ADD CONSTRAINT support_replies_note_by_team CHECK (is_admin OR NOT is_internal)`);
    await this.policy(q, NOTE_RULE);
  }

  public async down(q: QueryRunner): Promise<void> {
    await this.policy(q, PUBLIC_RULE);
    await q.query(`ALTER TABLE support_replies DROP COLUMN is_internal`);
  }

  private async policy(q: QueryRunner, rule: string) {
    await q.query(`DROP POLICY support_replies_viewer ON support_replies`);
    await q.query(`CREATE POLICY support_replies_viewer ON support_replies USING (${rule}) WITH CHECK (${rule})`);
  }
}
