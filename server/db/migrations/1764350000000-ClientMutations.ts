import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The client-generated ids of createTicket and replyToTicket, per user, with what each produced:
 * a retry with the same id returns the first result and writes nothing new.
 */
export class ClientMutations1764350000000 implements MigrationInterface {
  name = 'ClientMutations1764350000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client_mutations (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        ticket_id uuid REFERENCES support_tickets (id) ON DELETE CASCADE,
        reply_id uuid REFERENCES support_replies (id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, id)
      )`);
    await q.query(`CREATE INDEX client_mutations_ticket_id_idx ON client_mutations (ticket_id)`);
    await q.query(`CREATE INDEX client_mutations_reply_id_idx ON client_mutations (reply_id)`);
    // Each user sees only their own ids, like tickets and replies.
    await q.query(`ALTER TABLE client_mutations ENABLE ROW LEVEL SECURITY`);
    const own = `user_id = nullif(current_setting('app.user_id', true), '')::uuid`;
    await q.query(`CREATE POLICY client_mutations_own ON client_mutations USING (${own}) WITH CHECK (${own})`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_mutations`);
  }
}
