import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';

/**
 * Email (docs/architecture.md, email): each user's notification setting, the channel of each reply,
 * the emails sent (one row per event and recipient: a retry never sends one twice; also the outbox
 * /dev/mailbox shows), and the tokens of reply addresses and unsubscribe links, stored hashed.
 * Only the owner's (system) connections use the two tables: they hold every tenant's emails and
 * the tokens that act for users, so the app role loses the grants the default privileges gave it.
 */
export class Email1764406000001 implements MigrationInterface {
  name = 'Email1764406000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN email_notifications boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE support_replies ADD COLUMN via text NOT NULL DEFAULT 'web' CHECK (via IN ('web', 'email'))`);
    await q.query(`
      CREATE TABLE sent_emails (
        key text PRIMARY KEY,
        message_id text NOT NULL,
        recipient text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        headers jsonb NOT NULL,
        delivered boolean NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX sent_emails_created_at_idx ON sent_emails (created_at DESC)`);
    await q.query(`
      CREATE TABLE email_tokens (
        hash bytea PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('reply', 'unsubscribe')),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        ticket_id uuid REFERENCES support_tickets (id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((purpose = 'reply') = (ticket_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX email_tokens_user_id_idx ON email_tokens (user_id)`);
    await q.query(`CREATE INDEX email_tokens_ticket_id_idx ON email_tokens (ticket_id)`);
    await q.query(`REVOKE ALL ON sent_emails, email_tokens FROM ${APP_ROLE}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_tokens`);
    await q.query(`DROP TABLE sent_emails`);
    await q.query(`ALTER TABLE support_replies DROP COLUMN via`);
    await q.query(`ALTER TABLE users DROP COLUMN email_notifications`);
  }
}
