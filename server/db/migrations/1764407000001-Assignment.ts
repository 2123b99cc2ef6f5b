import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who on the Lex team owns a ticket (docs/architecture.md §8). A removed team member leaves their
 * tickets unassigned. The "Mine" and "Unassigned" lists read these indexes in list order
 * (updated_at, id), so a page is a short index range whatever the number of tickets.
 */
export class Assignment1764407000001 implements MigrationInterface {
  name = 'Assignment1764407000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE support_tickets ADD COLUMN assignee_id uuid REFERENCES users (id) ON DELETE SET NULL`);
    await q.query(
      `CREATE INDEX support_tickets_assignee_idx ON support_tickets (assignee_id, updated_at DESC, id DESC) WHERE assignee_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX support_tickets_unassigned_idx ON support_tickets (updated_at DESC, id DESC) WHERE assignee_id IS NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE support_tickets DROP COLUMN assignee_id`);
  }
}
