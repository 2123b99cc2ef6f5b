import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Lex team among the users: a few dozen rows among hundreds of thousands of customers. Who
 * hears of a new ticket or a customer's reply (server/email/notifications.ts) and the team list for
 * assignment (server/team/team-members.ts) read them; without this index each read walked every
 * user, 55 ms a new ticket at 1M tickets (pg_stat_statements under `npm run bench`, README "Ten times the scale").
 */
export class TeamIndex1764422000000 implements MigrationInterface {
  name = 'TeamIndex1764422000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX users_team_idx ON users (name, id) WHERE role = 'superadmin'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_team_idx`);
  }
}
