import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The "Mine" and "Unassigned" views list the team's open work (`SupportTicketFilter.notClosed`),
 * as their counts do. An agent's closed tickets grow without end; these indexes hold only the rest,
 * so a page reads its rows in list order instead of stepping over every closed ticket.
 */
export class OpenWork1764413000000 implements MigrationInterface {
  name = 'OpenWork1764413000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX support_tickets_assignee_open_idx ON support_tickets (assignee_id, updated_at DESC, id DESC)
        WHERE assignee_id IS NOT NULL AND status <> 'closed'`,
    );
    await q.query(
      `CREATE INDEX support_tickets_unassigned_open_idx ON support_tickets (updated_at DESC, id DESC)
        WHERE assignee_id IS NULL AND status <> 'closed'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX support_tickets_unassigned_open_idx`);
    await q.query(`DROP INDEX support_tickets_assignee_open_idx`);
  }
}
