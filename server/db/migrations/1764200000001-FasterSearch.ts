import { MigrationInterface, QueryRunner } from 'typeorm';
import { SEARCH_FUNCTION } from './1764100000000-RowLevelSecurity';

/** The search function, given SQL for "the viewer is the Lex team" and for the viewer's user id. */
export const searchFunction = (isTeam: string, viewerId: string) => `
      CREATE OR REPLACE FUNCTION support_ticket_ids_matching(pattern text) RETURNS SETOF uuid
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET enable_seqscan = off AS $$
      DECLARE
        viewer uuid := ${viewerId};
      BEGIN
        IF ${isTeam} THEN
          RETURN QUERY EXECUTE
            'SELECT id FROM support_tickets WHERE subject ILIKE $1
             UNION SELECT id FROM support_tickets WHERE user_name ILIKE $1
             UNION SELECT id FROM support_tickets WHERE user_email ILIKE $1
             UNION SELECT id FROM support_tickets WHERE tenant_id = ANY (ARRAY(SELECT id FROM tenants WHERE name ILIKE $1))'
            USING pattern;
        ELSIF viewer IS NOT NULL THEN
          RETURN QUERY EXECUTE
            'SELECT id FROM support_tickets
              WHERE user_id = $2
                AND (subject ILIKE $1 OR user_name ILIKE $1 OR user_email ILIKE $1
                     OR tenant_id IN (SELECT id FROM tenants WHERE name ILIKE $1))'
            USING pattern, viewer;
        END IF;
      END $$`;

/**
 * `support_ticket_ids_matching` (RowLevelSecurity1764100000000) with plans that fit its pattern
 * (issue 8). As a SQL function its body was planned once for any pattern: that generic plan joins
 * the matches back to every ticket (a sequential read of all of them: 300–400 ms at 1M tickets,
 * 21k buffers, measured). Here each call plans its own query for the pattern it got (EXECUTE), every
 * branch applies the viewer rule on its own rows (no join back), and the company branch finds the
 * tenants through their trigram index. Same rule, same matches.
 */
export class FasterSearch1764200000001 implements MigrationInterface {
  name = 'FasterSearch1764200000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      searchFunction(`current_setting('app.role', true) = 'superadmin'`, `nullif(current_setting('app.user_id', true), '')::uuid`),
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(SEARCH_FUNCTION);
    await q.query(`ALTER FUNCTION support_ticket_ids_matching(text) RESET ALL`);
  }
}
