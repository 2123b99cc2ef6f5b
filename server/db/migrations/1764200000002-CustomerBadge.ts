import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

/**
 * The customer's badge in one statement (issue 8). Every reply recounts the badge of the ticket's
 * customer; under row-level security that took a transaction of its own to set the viewer (BEGIN,
 * set_config, SELECT, COMMIT: four round trips, a fifth of the SQL a reply costs). This function
 * answers only the number of unread Lex-team replies of one customer, through the partial index.
 */
export class CustomerBadge1764200000002 implements MigrationInterface {
  name = 'CustomerBadge1764200000002';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION support_customer_unread(customer uuid) RETURNS integer
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT coalesce(sum(customer_unread_count), 0)::int FROM support_tickets
         WHERE user_id = customer AND customer_unread_count > 0
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION support_customer_unread(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION support_customer_unread(uuid) TO ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION support_customer_unread(uuid)`);
  }
}
