import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-assignee counts are the team's business: like `support_ticket_counts`, only a Lex team
 * session reads them (docs/architecture.md §4). The triggers that keep them run as the owner.
 */
export class AssignmentCountsRowSecurity1764410000001 implements MigrationInterface {
  name = 'AssignmentCountsRowSecurity1764410000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE support_assignment_counts ENABLE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY support_assignment_counts_team ON support_assignment_counts FOR SELECT USING ((SELECT lex_viewer_is_team()))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY support_assignment_counts_team ON support_assignment_counts`);
    await q.query(`ALTER TABLE support_assignment_counts DISABLE ROW LEVEL SECURITY`);
  }
}
