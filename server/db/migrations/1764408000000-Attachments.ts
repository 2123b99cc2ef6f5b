import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

const VIEWER = '(SELECT lex_viewer_id())';
// An attached file is visible exactly when its reply is: the subquery reads support_replies under
// that table's own policy, so whatever hides a reply (a customer's other tickets, internal notes)
// hides its files too. An unattached upload is its uploader's alone.
const VISIBLE = `(reply_id IS NULL AND uploader_id = ${VIEWER}) OR reply_id IN (SELECT id FROM support_replies)`;

/** Files uploaded for tickets (docs/architecture.md §7), with row-level security like replies. */
export class Attachments1764408000000 implements MigrationInterface {
  name = 'Attachments1764408000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        uploader_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        reply_id uuid REFERENCES support_replies (id) ON DELETE CASCADE,
        name text NOT NULL,
        size integer NOT NULL CHECK (size >= 0),
        content_type text NOT NULL,
        storage_key text NOT NULL UNIQUE,
        thumbnail_key text UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX attachments_reply_id_idx ON attachments (reply_id, created_at)`);
    // The sweep of uploads never attached reads only these.
    await q.query(`CREATE INDEX attachments_unattached_idx ON attachments (created_at) WHERE reply_id IS NULL`);
    await q.query(`ALTER TABLE attachments ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY attachments_visible ON attachments FOR SELECT USING (${VISIBLE})`);
    await q.query(`CREATE POLICY attachments_upload ON attachments FOR INSERT WITH CHECK (uploader_id = ${VIEWER} AND reply_id IS NULL)`);
    // Attaching: one's own unattached upload, to a reply one can see.
    await q.query(`
      CREATE POLICY attachments_attach ON attachments FOR UPDATE
        USING (uploader_id = ${VIEWER} AND reply_id IS NULL)
        WITH CHECK (uploader_id = ${VIEWER} AND reply_id IN (SELECT id FROM support_replies))`);
    // Deleting is the sweep's, on the owner's connections.
    await q.query(`REVOKE DELETE, TRUNCATE ON attachments FROM ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE attachments`);
  }
}
