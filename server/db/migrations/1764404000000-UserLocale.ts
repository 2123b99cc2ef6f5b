import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each person's language (issue 16): English or Dutch, English until they choose. */
export class UserLocale1764404000000 implements MigrationInterface {
  name = 'UserLocale1764404000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en' CONSTRAINT users_locale_known CHECK (locale IN ('en', 'nl'))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN locale`);
  }
}
