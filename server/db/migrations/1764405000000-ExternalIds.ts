import { MigrationInterface, QueryRunner } from 'typeorm';

/** Lex's ids of users and tenants that sign in from Lex: accounts are matched by these, never by email. */
export class ExternalIds1764405000000 implements MigrationInterface {
  name = 'ExternalIds1764405000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100)`);
    await q.query(`ALTER TABLE users ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN external_id`);
    await q.query(`ALTER TABLE tenants DROP COLUMN external_id`);
  }
}
