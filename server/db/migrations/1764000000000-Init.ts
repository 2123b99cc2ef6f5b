import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764000000000 implements MigrationInterface {
  name = 'Init1764000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX tenants_name_key ON tenants (lower(name))`);
    await q.query(`CREATE INDEX tenants_name_trgm ON tenants USING gin (name gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid REFERENCES tenants (id) ON DELETE RESTRICT,
        email text NOT NULL CHECK (email LIKE '%_@_%'),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        role text NOT NULL CHECK (role IN ('customer', 'superadmin')),
        password_hash text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT users_customer_has_tenant CHECK (role = 'superadmin' OR tenant_id IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_tenant_id_idx ON users (tenant_id)`);

    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_seen_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);

    await q.query(`
      CREATE TABLE support_tickets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_number integer GENERATED ALWAYS AS IDENTITY (START WITH 1000) UNIQUE,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        user_email text NOT NULL,
        user_name text NOT NULL,
        subject varchar(200) NOT NULL,
        category text NOT NULL
          CHECK (category IN ('Technical', 'Lex Question', 'Billing', 'CAO-related', 'Other')),
        status text NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'in_progress', 'answered', 'closed')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        closed_at timestamptz(3),
        customer_unread_count integer NOT NULL DEFAULT 0 CHECK (customer_unread_count >= 0),
        admin_unread_count integer NOT NULL DEFAULT 0 CHECK (admin_unread_count >= 0),
        CONSTRAINT support_tickets_closed_at CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      )`);
    // Keyset pagination: newest activity first, per filter the dashboard and the customer use.
    await q.query(`CREATE INDEX support_tickets_updated_idx ON support_tickets (updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX support_tickets_status_updated_idx ON support_tickets (status, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX support_tickets_category_updated_idx ON support_tickets (category, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX support_tickets_user_updated_idx ON support_tickets (user_id, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX support_tickets_tenant_updated_idx ON support_tickets (tenant_id, updated_at DESC, id DESC)`);
    // Substring search on what the search box matches.
    await q.query(`CREATE INDEX support_tickets_subject_trgm ON support_tickets USING gin (subject gin_trgm_ops)`);
    await q.query(`CREATE INDEX support_tickets_user_name_trgm ON support_tickets USING gin (user_name gin_trgm_ops)`);
    await q.query(`CREATE INDEX support_tickets_user_email_trgm ON support_tickets USING gin (user_email gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE support_replies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_id uuid NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
        message text NOT NULL,
        is_admin boolean NOT NULL,
        sender_name text NOT NULL,
        -- clock_timestamp, not now(): replies are written under the ticket's row lock,
        -- so their times follow the order in which they were committed.
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX support_replies_ticket_created_idx ON support_replies (ticket_id, created_at, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE support_replies`);
    await q.query(`DROP TABLE support_tickets`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE tenants`);
  }
}
