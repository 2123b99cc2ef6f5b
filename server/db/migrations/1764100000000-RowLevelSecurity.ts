import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

// Who may see a row: the Lex team all of them, a customer their own tickets and the replies on them.
// The viewer is set per transaction by `withViewer` (app.user_id, app.role).
const VIEWER_ID = `nullif(current_setting('app.user_id', true), '')::uuid`;
const IS_LEX_TEAM = `current_setting('app.role', true) = 'superadmin'`;
const TICKET_RULE = `${IS_LEX_TEAM} OR user_id = ${VIEWER_ID}`;
const REPLY_RULE = `${IS_LEX_TEAM} OR ticket_id IN (SELECT id FROM support_tickets WHERE user_id = ${VIEWER_ID})`;

/** The first version of the search function (FasterSearch1764200000001 replaces it and restores it on revert). */
export const SEARCH_FUNCTION = `
  CREATE OR REPLACE FUNCTION support_ticket_ids_matching(pattern text) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT t.id FROM support_tickets t
     WHERE (${TICKET_RULE.replace('user_id', 't.user_id')})
       AND t.id IN (
         SELECT id FROM support_tickets WHERE subject ILIKE pattern
         UNION SELECT id FROM support_tickets WHERE user_name ILIKE pattern
         UNION SELECT id FROM support_tickets WHERE user_email ILIKE pattern
         UNION SELECT s.id FROM support_tickets s JOIN tenants n ON n.id = s.tenant_id WHERE n.name ILIKE pattern)
  $$`;

/**
 * The second wall of tenant isolation: even a query that forgets the viewer's scope reaches only
 * the rows that viewer may see.
 */
export class RowLevelSecurity1764100000000 implements MigrationInterface {
  name = 'RowLevelSecurity1764100000000';

  public async up(q: QueryRunner): Promise<void> {
    // Roles belong to the whole cluster; several databases of one cluster share this one.
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
        END IF;
      END $$`);
    // The connecting user (the tables' owner) switches to the role on every connection.
    await q.query(`GRANT ${APP_ROLE} TO CURRENT_USER`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE}`);

    await q.query(`ALTER TABLE support_tickets ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE support_replies ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY support_tickets_viewer ON support_tickets USING (${TICKET_RULE}) WITH CHECK (${TICKET_RULE})`);
    await q.query(`CREATE POLICY support_replies_viewer ON support_replies USING (${REPLY_RULE}) WITH CHECK (${REPLY_RULE})`);

    // Under row-level security PostgreSQL will not use an index for ILIKE (it is not leakproof), so
    // substring search would read every ticket. This function searches as the owner, with the
    // trigram indexes, and applies the same viewer rule itself; callers still read the rows under RLS.
    await q.query(SEARCH_FUNCTION);
    await q.query(`REVOKE ALL ON FUNCTION support_ticket_ids_matching(text) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION support_ticket_ids_matching(text) TO ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION support_ticket_ids_matching(text)`);
    await q.query(`DROP POLICY support_replies_viewer ON support_replies`);
    await q.query(`DROP POLICY support_tickets_viewer ON support_tickets`);
    await q.query(`ALTER TABLE support_replies DISABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE support_tickets DISABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${APP_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${APP_ROLE}`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE}`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE}`);
  }
}
