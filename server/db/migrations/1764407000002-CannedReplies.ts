import { MigrationInterface, QueryRunner } from 'typeorm';
import { MAX_CANNED_TITLE_LENGTH, MAX_MESSAGE_LENGTH } from '../../contract';

const TEAM = '(SELECT lex_viewer_is_team())';

/** Canned replies, shared by the Lex team and for the team's sessions only (row-level security). */
export class CannedReplies1764407000002 implements MigrationInterface {
  name = 'CannedReplies1764407000002';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE canned_replies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND ${MAX_CANNED_TITLE_LENGTH}),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND ${MAX_MESSAGE_LENGTH}),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE canned_replies ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY canned_replies_team ON canned_replies USING (${TEAM}) WITH CHECK (${TEAM})`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE canned_replies`);
  }
}
