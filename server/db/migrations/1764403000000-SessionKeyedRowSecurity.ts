import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';
import { searchFunction } from './1764200000001-FasterSearch';

// The viewer, from the session the transaction names in `app.session` (the hash of its token, which
// the app role cannot read from `sessions`): set_config of app.user_id or app.role proves nothing
// any more. Policies call these as `(SELECT …())`, an InitPlan: one index probe per statement.
const VIEWER_FUNCTIONS = `
  CREATE FUNCTION lex_viewer_id() RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT user_id FROM sessions WHERE token_hash = current_setting('app.session', true) AND expires_at > now()
  $$;
  CREATE FUNCTION lex_viewer_is_team() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.token_hash = current_setting('app.session', true) AND s.expires_at > now()
                      AND u.role = 'superadmin')
  $$`;

const rules = (isTeam: string, viewerId: string) => ({
  support_tickets: `${isTeam} OR user_id = ${viewerId}`,
  support_replies: `${isTeam} OR ticket_id IN (SELECT id FROM support_tickets WHERE user_id = ${viewerId})`,
  client_mutations: `user_id = ${viewerId}`,
});
const SESSION_RULES = rules('(SELECT lex_viewer_is_team())', '(SELECT lex_viewer_id())');
// What the policies trusted before: settings any SQL on the connection could make.
const SETTING_TEAM = `current_setting('app.role', true) = 'superadmin'`;
const SETTING_VIEWER = `nullif(current_setting('app.user_id', true), '')::uuid`;
const POLICIES = {
  support_tickets: 'support_tickets_viewer',
  support_replies: 'support_replies_viewer',
  client_mutations: 'client_mutations_own',
};

/**
 * Row-level security that holds against SQL run on the server's own connections (issue 12): the
 * server connects as a login role that cannot become the owner (app-login.ts), and the policies
 * trust only a live session, which such SQL cannot forge. The app role also loses what could mint
 * one: `users` and `sessions` (and writes to `tenants`) are the owner's, used on the server's
 * system connections; the counts are for the Lex team's sessions only.
 */
export class SessionKeyedRowSecurity1764403000000 implements MigrationInterface {
  name = 'SessionKeyedRowSecurity1764403000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(VIEWER_FUNCTIONS);
    for (const fn of ['lex_viewer_id()', 'lex_viewer_is_team()']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_ROLE}`);
    }
    await this.policies(q, SESSION_RULES);
    await q.query(searchFunction('lex_viewer_is_team()', 'lex_viewer_id()'));
    await q.query(`ALTER TABLE support_ticket_counts ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY support_ticket_counts_team ON support_ticket_counts FOR SELECT USING ((SELECT lex_viewer_is_team()))`);

    await q.query(`REVOKE ALL ON users, sessions FROM ${APP_ROLE}`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON tenants FROM ${APP_ROLE}`);
    await q.query(`REVOKE EXECUTE ON FUNCTION support_customer_unread(uuid) FROM ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`GRANT EXECUTE ON FUNCTION support_customer_unread(uuid) TO ${APP_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON users, sessions, tenants TO ${APP_ROLE}`);
    await q.query(`DROP POLICY support_ticket_counts_team ON support_ticket_counts`);
    await q.query(`ALTER TABLE support_ticket_counts DISABLE ROW LEVEL SECURITY`);
    await q.query(searchFunction(SETTING_TEAM, SETTING_VIEWER));
    await this.policies(q, rules(SETTING_TEAM, SETTING_VIEWER));
    await q.query(`DROP FUNCTION lex_viewer_is_team()`);
    await q.query(`DROP FUNCTION lex_viewer_id()`);
  }

  private async policies(q: QueryRunner, rules: Record<keyof typeof POLICIES, string>) {
    for (const [table, policy] of Object.entries(POLICIES) as [keyof typeof POLICIES, string][]) {
      await q.query(`DROP POLICY ${policy} ON ${table}`);
      await q.query(`CREATE POLICY ${policy} ON ${table} USING (${rules[table]}) WITH CHECK (${rules[table]})`);
    }
  }
}
