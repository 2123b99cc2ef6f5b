import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first-response condition of support_tickets_sla_idx (migration Lifecycle), for open work. */
const MAY_BE_OVERDUE = `(first_response_at IS NULL OR first_response_at > first_response_due_at) AND status <> 'closed'`;

/**
 * The team's list in ticket-number order (`orderBy: CREATED_*`; numbers are given in order of
 * creation, so one index serves "created" and "number") and oldest first (`*_ASC`). The whole list
 * and a category walk the ticket number's unique index; the lists of open work (a status, the views,
 * "Overdue") need their own, or oldest first would step over every closed ticket before its first row.
 */
export class ListOrders1764419000000 implements MigrationInterface {
  name = 'ListOrders1764419000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX support_tickets_status_number_idx ON support_tickets (status, ticket_number)`);
    await q.query(
      `CREATE INDEX support_tickets_assignee_open_number_idx ON support_tickets (assignee_id, ticket_number)
        WHERE assignee_id IS NOT NULL AND status <> 'closed'`,
    );
    await q.query(
      `CREATE INDEX support_tickets_unassigned_open_number_idx ON support_tickets (ticket_number)
        WHERE assignee_id IS NULL AND status <> 'closed'`,
    );
    await q.query(`CREATE INDEX support_tickets_sla_open_idx ON support_tickets (updated_at DESC, id DESC) WHERE ${MAY_BE_OVERDUE}`);
    await q.query(`CREATE INDEX support_tickets_sla_open_number_idx ON support_tickets (ticket_number) WHERE ${MAY_BE_OVERDUE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const index of ['sla_open_number', 'sla_open', 'unassigned_open_number', 'assignee_open_number', 'status_number'])
      await q.query(`DROP INDEX support_tickets_${index}_idx`);
  }
}
