/**
 * `npm run bench:seed`: fills a dedicated database (default `lex_bench`) with 1,000,000 tickets,
 * ~5,000,000 replies, 10,000 tenants and 50,000 customers, with set-based SQL only.
 *
 *   npm run bench:seed [-- --scale 0.02] [--reset]
 *
 * Migrations run first (openDatabases, as the server does). The seed is resumable: every step and
 * every chunk commits together with its row in `bench_seed`, so a second run skips what is done and
 * an interrupted run continues where it stopped. The ticket/reply indexes are dropped for the bulk
 * load (their definitions are kept in `bench_seed_indexes`) and rebuilt at the end.
 *
 * Skew: tenant sizes and tickets per customer follow power laws (a few big tenants), and most
 * tickets are closed; open work is recent. Answered tickets are assigned to a handful of agents, and
 * some carry internal notes (the team desk). All bench accounts share the password BENCH_PASSWORD.
 *
 * Environment: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_DATABASE (default lex_bench).
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { parseLifecycleConfig } from '../server/config';
import { backfillLifecycle } from '../server/lifecycle/backfill';
import { backfillReports, restartReports } from '../server/reports/report-rollups';

export const BENCH_PASSWORD = 'lex-bench-password';
export const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_DATABASE = process.env.BENCH_DATABASE || 'lex_bench';
export const benchDatabaseUrl = (name = BENCH_DATABASE) => ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);

export interface SeedSize {
  tickets: number;
  tenants: number;
  customers: number;
  superadmins: number;
}

export function seedSize(scale: number): SeedSize {
  return {
    tickets: Math.round(1_000_000 * scale),
    tenants: Math.max(10, Math.round(10_000 * scale)),
    customers: Math.max(100, Math.round(50_000 * scale)),
    superadmins: 8,
  };
}

const CHUNK = 50_000;

const sqlArray = (words: string[]) => `ARRAY[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(',')}]`;

const FIRST = sqlArray([
  'Anna',
  'Bram',
  'Daan',
  'Emma',
  'Fenna',
  'Gijs',
  'Hanna',
  'Ilse',
  'Joost',
  'Kim',
  'Lars',
  'Maud',
  'Noor',
  'Olaf',
  'Pim',
  'Roos',
  'Sanne',
  'Thijs',
  'Vera',
  'Wout',
  'Yara',
  'Zoë',
  'Lotte',
  'Milan',
  'Sem',
  'Julia',
  'Luuk',
  'Tess',
  'Ruben',
  'Eva',
]);
const LAST = sqlArray([
  'de Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'de Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'van Leeuwen',
  'Dekker',
  'Brouwer',
  'de Wit',
  'Dijkstra',
  'Smits',
  'de Graaf',
  'van der Meer',
  'Kok',
  'Jacobs',
  'de Haan',
  'Vermeulen',
  'van den Berg',
  'van Dijk',
  'Schouten',
  'Willems',
  'Hoekstra',
]);
const COMPANY_A = sqlArray([
  'Noord',
  'Zuid',
  'Oost',
  'West',
  'Groen',
  'Blauw',
  'Polder',
  'Delta',
  'Rijn',
  'Maas',
  'Duin',
  'Kust',
  'Stad',
  'Land',
  'Haven',
  'Molen',
  'Brug',
  'Dijk',
  'Veld',
  'Berg',
  'Wad',
  'Eiland',
  'Tulp',
  'Kaas',
  'Fiets',
  'Zeil',
  'Storm',
  'Zon',
  'Licht',
  'Vonk',
]);
const COMPANY_B = sqlArray([
  'bouw',
  'zorg',
  'tech',
  'logistiek',
  'advies',
  'installatie',
  'transport',
  'media',
  'retail',
  'horeca',
  'finance',
  'energie',
  'schoonmaak',
  'beveiliging',
  'onderwijs',
  'food',
  'metaal',
  'print',
  'data',
  'groep',
]);
const COMPANY_C = sqlArray(['BV', 'B.V.', 'Holding', 'Groep', 'NV', 'en Zonen', 'Partners', 'Services', 'Nederland', 'International']);
const SUBJECT_A = sqlArray([
  'Question about',
  'Problem with',
  'Help with',
  'Error in',
  'Unclear answer on',
  'Cannot find',
  'Wrong result for',
  'Missing',
  'How to handle',
  'Advice needed on',
  'Follow-up on',
  'Update to',
]);
const SUBJECT_B = sqlArray([
  'payroll',
  'overtime pay',
  'holiday allowance',
  'sick leave',
  'notice period',
  'employment contract',
  'CAO wage scale',
  'invoice',
  'subscription',
  'login',
  'PDF export',
  'dismissal',
  'probation period',
  'pension',
  'expense claim',
  'parental leave',
  'remote work policy',
  'non-compete clause',
  'severance pay',
  'working hours',
  'zero-hours contract',
  'temporary contract',
  'reintegration',
  'GDPR request',
  'works council',
  'shift allowance',
  'travel allowance',
  'bonus scheme',
  'job description',
  'performance review',
  'transition payment',
  'salary slip',
  'annual leave',
  'maternity leave',
  'training costs',
  'company car',
  'contract renewal',
  'collective agreement',
  'wage garnishment',
  'minimum wage',
  'whistleblower policy',
  'sabbatical',
  'childcare leave',
  'termination agreement',
  'chain rule',
  'seasonal work',
  'on-call duty',
  'night shifts',
  'public holidays',
  'overtime compensation',
  'mileage',
  'team access',
  'two-factor login',
  'password reset',
  'document template',
  'chat history',
  'answer sources',
  'billing address',
  'VAT number',
  'seat licences',
]);
const SUBJECT_C = sqlArray([
  '',
  '',
  '',
  ' for new hires',
  ' for part-time staff',
  ' after the update',
  ' in 2024',
  ' in 2025',
  ' for our drivers',
  ' in the care sector',
  ' for interns',
  ' for seasonal staff',
  ' abroad',
  ' for managers',
  ' in the CAO',
  ' (urgent)',
  ' for our Belgian branch',
  ' in the app',
  ' on mobile',
  ' since last week',
]);
const CATEGORIES = sqlArray(['Technical', 'Lex Question', 'Billing', 'CAO-related', 'Other']);

/** One statement per step (or a function); each runs in a transaction with its bench_seed row. */

/**
 * For a step's bulk UPDATE of tickets: the row triggers that keep the counts would update the same
 * counts row once per ticket in one transaction, each update walking the versions before it (430 s
 * for 50,000 tickets on the 2-core machine, against seconds without). Step `recount` makes the counts
 * from the tickets afterwards. (Replica mode also skips foreign-key checks; the seed's values are
 * valid by construction.)
 */
const WITHOUT_ROW_TRIGGERS = `SET LOCAL session_replication_role = replica`;

function steps(size: SeedSize, passwordHash: string) {
  const list: { name: string; sql: string[]; run?: (db: Client) => Promise<void> }[] = [];
  list.push({
    name: 'tenants',
    sql: [
      `SELECT setseed(0.11)`,
      `INSERT INTO tenants (name, created_at)
       SELECT (${COMPANY_A})[1 + g % 30] || (${COMPANY_B})[1 + (g / 30) % 20] || ' ' || (${COMPANY_C})[1 + (g / 600) % 10] || ' ' || g,
              now() - interval '5 years' + g * interval '3 hours'
         FROM generate_series(1, ${size.tenants}) g`,
      `CREATE TABLE bench_tenants AS SELECT row_number() OVER (ORDER BY created_at, id)::int AS n, id, name FROM tenants WHERE name ~ ' [0-9]+$'`,
      `ALTER TABLE bench_tenants ADD PRIMARY KEY (n)`,
    ],
  });
  list.push({
    name: 'customers',
    sql: [
      `SELECT setseed(0.22)`,
      // Tenant of customer g: a power law (tenant 1 gets ~5 % of all customers, most tenants a handful).
      `INSERT INTO users (tenant_id, email, name, role, password_hash, created_at)
       SELECT t.id, 'customer' || s.g || '@bench.example', (${FIRST})[1 + s.g % 30] || ' ' || (${LAST})[1 + (s.g / 30) % 30],
              'customer', '${passwordHash}', now() - interval '4 years'
         FROM (SELECT g, 1 + floor(${size.tenants} * power(random(), 4))::int AS tn FROM generate_series(1, ${size.customers}) g) s
         JOIN bench_tenants t ON t.n = s.tn`,
      `INSERT INTO users (email, name, role, password_hash)
       SELECT 'agent' || g || '@lex.bench.example', 'Lex Agent ' || g, 'superadmin', '${passwordHash}' FROM generate_series(1, ${size.superadmins}) g`,
      `CREATE TABLE bench_customers AS
       SELECT row_number() OVER (ORDER BY substring(email FROM '[0-9]+')::int)::int AS n, id, tenant_id, email, name
         FROM users WHERE role = 'customer' AND email LIKE 'customer%@bench.example'`,
      `ALTER TABLE bench_customers ADD PRIMARY KEY (n)`,
    ],
  });
  list.push({
    name: 'agents',
    sql: [
      `CREATE TABLE bench_agents AS
       SELECT substring(email FROM '[0-9]+')::int AS n, id, name FROM users WHERE email LIKE 'agent%@lex.bench.example'`,
      `ALTER TABLE bench_agents ADD PRIMARY KEY (n)`,
    ],
  });
  list.push({
    name: 'drop-indexes',
    sql: [
      `CREATE TABLE IF NOT EXISTS bench_seed_indexes (name text PRIMARY KEY, definition text NOT NULL)`,
      `INSERT INTO bench_seed_indexes
       SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename IN ('support_tickets', 'support_replies')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
       ON CONFLICT DO NOTHING`,
      `DO $$ DECLARE r record; BEGIN
         FOR r IN SELECT name FROM bench_seed_indexes LOOP EXECUTE format('DROP INDEX IF EXISTS %I', r.name); END LOOP;
       END $$`,
    ],
  });
  for (let lo = 1; lo <= size.tickets; lo += CHUNK) {
    const hi = Math.min(size.tickets, lo + CHUNK - 1);
    const recent = Math.round(size.tickets * 0.9);
    list.push({
      name: `tickets ${lo}-${hi}`,
      sql: [
        `SELECT setseed(${(lo % 9973) / 9973})`,
        // Created over three years in ticket-number order; the newest 10 % hold the open work.
        `INSERT INTO support_tickets (tenant_id, user_id, user_email, user_name, subject, category, status,
                                      created_at, updated_at, closed_at, customer_unread_count, admin_unread_count)
         SELECT c.tenant_id, c.id, c.email, c.name,
                (${SUBJECT_A})[1 + floor(s.r2 * 12)::int] || ' ' || (${SUBJECT_B})[1 + floor(s.r3 * 60)::int] || (${SUBJECT_C})[1 + floor(s.r4 * 20)::int],
                (${CATEGORIES})[1 + floor(s.r4 * 5)::int],
                s.status, s.created, s.updated,
                CASE WHEN s.status = 'closed' THEN s.updated END,
                CASE WHEN s.status = 'answered' THEN 1 + floor(s.r2 * 2)::int ELSE 0 END,
                CASE WHEN s.status = 'open' THEN 1 + floor(s.r3 * 2)::int ELSE 0 END
           FROM (SELECT g, r1, r2, r3, r4, created,
                        least(created + r5 * CASE WHEN g > ${recent} THEN interval '3 days' ELSE interval '20 days' END, now()) AS updated,
                        CASE WHEN g <= ${recent} THEN CASE WHEN r5 < 0.99 THEN 'closed' WHEN r5 < 0.995 THEN 'answered' ELSE 'in_progress' END
                             WHEN r5 < 0.40 THEN 'closed' WHEN r5 < 0.65 THEN 'open' WHEN r5 < 0.80 THEN 'in_progress' ELSE 'answered' END AS status
                   FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5,
                                now() - interval '3 years' * (1 - g::float8 / ${size.tickets}) - random() * interval '1 hour' AS created
                           FROM generate_series(${lo}, ${hi}) g) raw) s
           JOIN bench_customers c ON c.n = 1 + floor(${size.customers} * power(s.r1, 2))::int
          ORDER BY s.g`,
      ],
    });
  }
  for (let lo = 0; lo < size.tickets; lo += CHUNK) {
    const hi = lo + CHUNK;
    list.push({
      name: `replies ${lo + 1}-${Math.min(hi, size.tickets)}`,
      // 1–9 replies per ticket (5 on average), 50 for every 20,000th ticket; customer and Lex team alternate.
      sql: [
        `INSERT INTO support_replies (ticket_id, message, is_admin, sender_name, created_at)
         SELECT t.id,
                CASE WHEN k % 2 = 0 THEN 'Thank you for your question about ' || lower(t.subject) || '. Under the applicable CAO the rule is as follows; let us know if anything is unclear.'
                     ELSE 'Hello, ' || t.subject || ' — could you help us with this? Reply ' || k || '.' END,
                k % 2 = 0, CASE WHEN k % 2 = 0 THEN 'Lex Team' ELSE t.user_name END,
                t.created_at + (t.updated_at - t.created_at) * ((k - 1)::float8 / n)
           FROM (SELECT id, subject, user_name, created_at, updated_at,
                        CASE WHEN ticket_number % 20000 = 0 THEN 50 ELSE 1 + (ticket_number * 37) % 9 END AS n
                   FROM support_tickets WHERE ticket_number >= ${1000 + lo} AND ticket_number < ${1000 + hi}) t
          CROSS JOIN LATERAL generate_series(1, t.n) k`,
      ],
    });
  }
  // The team desk (docs/architecture.md §8): a ticket is assigned to whoever sent its first public
  // reply, so every ticket the team answered has an assignee and the 1 in 9 that only hold the
  // customer's message are unassigned. Six of the eight agents share the work unevenly (agent1 a
  // third, agent6 a twelfth); agent7 and agent8 own nothing. About one ticket in seven carries an
  // internal note, one in seventy three of them.
  for (let lo = 0; lo < size.tickets; lo += CHUNK) {
    const range = `ticket_number >= ${1000 + lo} AND ticket_number < ${1000 + lo + CHUNK}`;
    list.push({
      name: `assign ${lo + 1}-${Math.min(lo + CHUNK, size.tickets)}`,
      sql: [
        WITHOUT_ROW_TRIGGERS,
        `UPDATE support_tickets t SET assignee_id = a.id
           FROM bench_agents a
          WHERE ${range} AND (t.ticket_number % 9 <> 0 OR t.ticket_number % 20000 = 0)
            AND a.n = (ARRAY[1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6])[1 + (t.ticket_number::int8 * 7919) % 12]`,
      ],
    });
    list.push({
      name: `notes ${lo + 1}-${Math.min(lo + CHUNK, size.tickets)}`,
      sql: [
        `INSERT INTO support_replies (ticket_id, message, is_admin, is_internal, sender_name, created_at)
         SELECT t.id, 'Internal note ' || k || ': checked ' || lower(t.subject) || ' with payroll engineering before answering.',
                true, true, coalesce(a.name, 'Lex Agent 1'), t.created_at + (t.updated_at - t.created_at) * (k::float8 / 4)
           FROM support_tickets t
           LEFT JOIN bench_agents a ON a.id = t.assignee_id
          CROSS JOIN LATERAL generate_series(1, CASE WHEN t.ticket_number % 70 = 3 THEN 3 ELSE 1 END) k
          WHERE ${range} AND t.ticket_number % 7 = 3`,
      ],
    });
  }
  // What a new ticket gets when it is opened: its CREATED event, and its first response and due
  // time (from BUSINESS_HOURS and SLA_FIRST_RESPONSE_HOURS as set, else the defaults), as the
  // lifecycle's backfill job gives tickets from before it (docs/architecture.md §10); before the
  // indexes are rebuilt, as updating a million indexed rows takes minutes.
  for (let lo = 1; lo <= size.tickets; lo += CHUNK) {
    list.push({
      name: `lifecycle ${lo}-${Math.min(size.tickets, lo + CHUNK - 1)}`,
      sql: [WITHOUT_ROW_TRIGGERS],
      run: async (db) =>
        void (await backfillLifecycle(
          async (sql, parameters) => (await db.query(sql, parameters)).rows,
          parseLifecycleConfig(process.env),
          CHUNK,
        )),
    });
  }
  // The kept counts, made from the tickets as they now are (the updates above left them as they were).
  list.push({
    name: 'recount',
    sql: [
      `DELETE FROM support_ticket_counts`,
      `INSERT INTO support_ticket_counts (status, category, shard, tickets, admin_unread, sla_missed)
       SELECT status, category, 0, count(*), sum(admin_unread_count),
              sum(support_ticket_sla_missed(first_response_at, closed_at, first_response_due_at))
         FROM support_tickets GROUP BY status, category`,
      `DELETE FROM support_assignment_counts`,
      `INSERT INTO support_assignment_counts (assignee_id, closed, shard, tickets)
       SELECT assignee_id, status = 'closed', 0, count(*) FROM support_tickets GROUP BY assignee_id, status = 'closed'`,
    ],
  });
  // Satisfaction: about a third of the closed tickets rated, within two days of the close; mostly 4
  // and 5, less happily when the first response came late (docs/architecture.md §10 and §11).
  for (let lo = 1; lo <= size.tickets; lo += CHUNK) {
    const range = `ticket_number >= ${999 + lo} AND ticket_number < ${999 + lo + CHUNK}`;
    list.push({
      name: `ratings ${lo}-${Math.min(size.tickets, lo + CHUNK - 1)}`,
      sql: [
        `SELECT setseed(${(lo % 7919) / 7919})`,
        `INSERT INTO ticket_ratings (ticket_id, closed_at, user_id, score, comment, created_at)
         SELECT id, closed_at, user_id, score, CASE WHEN score <= 2 AND r3 < 0.5 THEN 'We waited too long for an answer.' END,
                least(closed_at + r3 * interval '2 days', now())
           FROM (SELECT t.id, t.closed_at, t.user_id, r1, r3,
                        CASE WHEN late THEN (ARRAY[5, 5, 4, 4, 3, 3, 2, 2, 1, 1])[1 + floor(r2 * 10)::int]
                             ELSE (ARRAY[5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1])[1 + floor(r2 * 11)::int] END AS score
                   FROM (SELECT t.*, random() r1, random() r2, random() r3,
                                coalesce(t.first_response_at > t.first_response_due_at, true) AS late
                           FROM support_tickets t WHERE ${range} AND closed_at IS NOT NULL) t) s
          WHERE r1 < 0.35`,
      ],
    });
  }
  // The reports' daily roll-ups (docs/architecture.md §11): counted in the business hours' time zone
  // by the job's own function, a chunk of tickets per step.
  const timeZone = parseLifecycleConfig(process.env).businessHours.timeZone;
  for (let lo = 1; lo <= size.tickets; lo += CHUNK) {
    const last = lo + CHUNK > size.tickets;
    list.push({
      name: `reports ${lo}-${Math.min(size.tickets, lo + CHUNK - 1)}`,
      sql: [],
      run: async (db) => {
        const run = async (sql: string, parameters?: unknown[]) => (await db.query(sql, parameters)).rows;
        await restartReports(run, timeZone);
        // The last step also takes whatever tickets came after the seed's (earlier bench runs').
        while ((await backfillReports(run, CHUNK)) === CHUNK && last);
      },
    });
  }
  list.push({
    name: 'rebuild-indexes',
    sql: [
      `SET LOCAL maintenance_work_mem = '512MB'`,
      `DO $$ DECLARE r record; BEGIN
         FOR r IN SELECT definition FROM bench_seed_indexes LOOP
           EXECUTE replace(r.definition, 'CREATE INDEX ', 'CREATE INDEX IF NOT EXISTS ');
         END LOOP;
       END $$`,
    ],
  });
  return list;
}

export async function seed(options: { scale: number; reset?: boolean; database?: string; log?: (line: string) => void }) {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const database = options.database ?? BENCH_DATABASE;
  const size = seedSize(options.scale);
  const started = performance.now();

  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    if (options.reset) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = benchDatabaseUrl(database);

  // Migrations first, exactly as the server applies them.
  const { openDatabases } = await import('../server/db/data-source');
  const migrated = await openDatabases(url, { poolSize: 1 });
  await migrated.destroy();

  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(
      `CREATE TABLE IF NOT EXISTS bench_seed (step text PRIMARY KEY, seconds numeric NOT NULL, done_at timestamptz NOT NULL DEFAULT now())`,
    );
    await db.query(`CREATE TABLE IF NOT EXISTS bench_seed_meta (key text PRIMARY KEY, value text NOT NULL)`);
    const [meta] = (await db.query(`SELECT value FROM bench_seed_meta WHERE key = 'size'`)).rows;
    if (meta && meta.value !== JSON.stringify(size)) {
      throw new Error(`${database} was seeded with ${meta.value}, not ${JSON.stringify(size)}: run with --reset`);
    }
    await db.query(`INSERT INTO bench_seed_meta VALUES ('size', $1), ('password', $2) ON CONFLICT DO NOTHING`, [
      JSON.stringify(size),
      BENCH_PASSWORD,
    ]);
    const done = new Set((await db.query(`SELECT step FROM bench_seed`)).rows.map((r) => r.step));
    let hash = (await db.query(`SELECT password_hash FROM users WHERE email = 'agent1@lex.bench.example'`)).rows[0]?.password_hash;
    if (!hash) {
      const { hashPassword } = await import('../server/auth/passwords');
      hash = await hashPassword(BENCH_PASSWORD);
    }
    await db.query(`SET synchronous_commit = off`);
    await db.query(`SET work_mem = '64MB'`);
    const all = steps(size, hash);
    let ran = 0;
    for (const step of all) {
      if (done.has(step.name)) continue;
      const t0 = performance.now();
      await db.query('BEGIN');
      try {
        for (const sql of step.sql) await db.query(sql);
        await step.run?.(db);
        const seconds = (performance.now() - t0) / 1000;
        await db.query(`INSERT INTO bench_seed (step, seconds) VALUES ($1, $2)`, [step.name, seconds.toFixed(2)]);
        await db.query('COMMIT');
        ran++;
        log(`  ${step.name.padEnd(28)} ${seconds.toFixed(1).padStart(7)} s`);
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
    }
    if (ran) {
      const t0 = performance.now();
      await db.query(`VACUUM (ANALYZE) support_tickets`);
      await db.query(`VACUUM (ANALYZE) support_replies`);
      await db.query(`VACUUM (ANALYZE) ticket_events`);
      // The lifecycle step updates each ticket's counted columns once: a million dead versions of the
      // few counts rows, which made reading them 31 ms at p95 until vacuumed.
      await db.query(`VACUUM (ANALYZE) support_ticket_counts`);
      await db.query(`VACUUM (ANALYZE) support_assignment_counts`);
      await db.query(`VACUUM (ANALYZE) ticket_ratings`);
      await db.query(`VACUUM (ANALYZE) support_report_days`);
      await db.query(`VACUUM (ANALYZE) support_report_histograms`);
      await db.query(`ANALYZE tenants; ANALYZE users`);
      log(`  ${'vacuum analyze'.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
    }
    const counts = (
      await db.query(`SELECT (SELECT count(*) FROM support_tickets)::int AS tickets, (SELECT count(*) FROM support_replies)::int AS replies,
                             (SELECT count(*) FROM tenants)::int AS tenants, (SELECT count(*) FROM users WHERE role = 'customer')::int AS customers`)
    ).rows[0];
    const total = (await db.query(`SELECT coalesce(sum(seconds), 0)::float8 AS s FROM bench_seed`)).rows[0].s;
    log(
      `${database}: ${counts.tickets.toLocaleString('en')} tickets, ${counts.replies.toLocaleString('en')} replies, ` +
        `${counts.tenants.toLocaleString('en')} tenants, ${counts.customers.toLocaleString('en')} customers; ` +
        `this run ${((performance.now() - started) / 1000).toFixed(1)} s, all steps together ${Number(total).toFixed(1)} s`,
    );
    return { url, counts, seconds: (performance.now() - started) / 1000 };
  } finally {
    await db.end();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const scale = Number(argValue('scale') ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be in (0, 1]');
  seed({ scale, reset: process.argv.includes('--reset'), database: argValue('database') })
    .then(() => process.exit(0))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
