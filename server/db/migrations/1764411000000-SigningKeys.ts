import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

/**
 * The server's own keys (server/security/signing-keys.ts), one per purpose, made by the first
 * instance that needs one and shared by all through the database. Only the owner's connections read
 * them: SQL run on the app's connections cannot sign links.
 */
export class SigningKeys1764411000000 implements MigrationInterface {
  name = 'SigningKeys1764411000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signing_keys (
        purpose text PRIMARY KEY,
        key bytea NOT NULL CHECK (length(key) = 32),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`REVOKE ALL ON signing_keys FROM ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signing_keys`);
  }
}
