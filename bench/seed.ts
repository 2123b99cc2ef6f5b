/**
 * `npm run bench:seed`: fills a dedicated database (default `lex_bench`) with 1,000,000 tickets,
 * ~5,000,000 replies, 10,000 tenants and 50,000 customers, with set-based SQL only; `--scale 10`
 * makes ten times as many (10M tickets, ~50M replies, 100,000 tenants, 500,000 customers).
 *
 *   npm run bench:seed [-- --scale 0.02|10] [--database lex_bench10] [--reset]
 *
 * Migrations run first (openDatabases, as the server does). The seed is resumable: every step
 * commits together with its row in `bench_seed`, so a second run skips what is done and an
 * interrupted run continues where it stopped. Tickets are loaded in ranges of 50,000, each range
 * (its tickets, replies, notes, lifecycle and ratings) one step, SEED_CONNECTIONS (2) ranges at a
 * time. The ticket indexes and one of the reply indexes are dropped for the load (their definitions
 * are kept in `bench_seed_indexes`) and rebuilt at the end, two at a time. SEED_VERBOSE=1 prints
 * each statement's time.
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

/**
 * A step: its statements (or a function), run in one transaction with its bench_seed row. Consecutive
 * `parallel` steps run SEED_CONNECTIONS at a time.
 */
interface Step {
  name: string;
  sql: string[];
  run?: (db: Client) => Promise<void>;
  parallel?: boolean;
}

/** Connections the parallel steps share: one per core keeps both busy (each step is one backend). */
const SEED_CONNECTIONS = Number(process.env.SEED_CONNECTIONS) || 2;
/** SEED_VERBOSE=1: each statement's time, to find where a step's time goes. */
const VERBOSE = Boolean(process.env.SEED_VERBOSE);

/**
 * For a range step: the row triggers that keep the counts would update the same counts row once per
 * ticket updated in one transaction, each update walking the versions before it (430 s for 50,000
 * tickets on the 2-core machine, against seconds without), and the foreign-key checks cost a third of
 * the replies' load. Step `recount` makes the counts from the tickets afterwards, and the seed's
 * values are valid by construction.
 */
const WITHOUT_ROW_TRIGGERS = `SET LOCAL session_replication_role = replica`;

/**
 * A version 7 UUID for a row made at `at` (SQL): its first 48 bits are the milliseconds, the rest is
 * a random UUID's. Rows loaded in time order then append to their id indexes (and to the replies' and
 * events' ticket indexes) instead of landing on random pages: with v4 ids, a range of 50,000 tickets
 * took 10 s at the start of the 10M seed and 33–38 s at the end, as 52M random index entries
 * outgrew the page cache (README, "The 10M seed"). The desk's own ids stay `gen_random_uuid()`.
 */
const uuid7 = (at: string) =>
  `(lpad(to_hex((extract(epoch FROM ${at}) * 1000)::int8), 12, '0') || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid`;

/** The reply index the range steps read first responses through; every other ticket and reply index is rebuilt at the end. */
const KEPT_INDEXES = ['support_replies_ticket_created_idx'];

function steps(size: SeedSize, passwordHash: string) {
  const list: Step[] = [];
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
          AND i.indexname <> ALL (ARRAY[${KEPT_INDEXES.map((name) => `'${name}'`).join(', ')}])
       ON CONFLICT DO NOTHING`,
      `DO $$ DECLARE r record; BEGIN
         FOR r IN SELECT name FROM bench_seed_indexes LOOP EXECUTE format('DROP INDEX IF EXISTS %I', r.name); END LOOP;
       END $$`,
    ],
  });
  // One step per range of 50,000 tickets: the tickets, their replies and notes, what the lifecycle
  // gives a new ticket, and their ratings, in one transaction. Ranges are independent (each reads
  // only its own tickets, through the ticket-number key), so SEED_CONNECTIONS of them run at once.
  for (let lo = 1; lo <= size.tickets; lo += CHUNK) {
    const hi = Math.min(size.tickets, lo + CHUNK - 1);
    const numbers = { from: 999 + lo, below: 1000 + hi };
    const range = `ticket_number >= ${numbers.from} AND ticket_number < ${numbers.below}`;
    const recent = Math.round(size.tickets * 0.9);
    list.push({
      name: `range ${lo}-${hi}`,
      parallel: true,
      sql: [
        WITHOUT_ROW_TRIGGERS,
        `SELECT setseed(${(lo % 9973) / 9973})`,
        // Created over three years in ticket-number order (ticket g is number 999 + g, given here so that
        // ranges loaded at once keep that order); the newest 10 % hold the open work.
        // The team desk (docs/architecture.md §8): a ticket is assigned to whoever sent its first public
        // reply, so every ticket the team answered has an assignee and the 1 in 9 that only hold the
        // customer's message are unassigned. Six of the eight agents share the work unevenly (agent1 a
        // third, agent6 a twelfth); agent7 and agent8 own nothing.
        `INSERT INTO support_tickets (id, ticket_number, tenant_id, user_id, user_email, user_name, subject, category, status,
                                      created_at, updated_at, closed_at, customer_unread_count, admin_unread_count, assignee_id)
         OVERRIDING SYSTEM VALUE
         SELECT ${uuid7('s.created')}, 999 + s.g, c.tenant_id, c.id, c.email, c.name,
                (${SUBJECT_A})[1 + floor(s.r2 * 12)::int] || ' ' || (${SUBJECT_B})[1 + floor(s.r3 * 60)::int] || (${SUBJECT_C})[1 + floor(s.r4 * 20)::int],
                (${CATEGORIES})[1 + floor(s.r4 * 5)::int],
                s.status, s.created, s.updated,
                CASE WHEN s.status = 'closed' THEN s.updated END,
                CASE WHEN s.status = 'answered' THEN 1 + floor(s.r2 * 2)::int ELSE 0 END,
                CASE WHEN s.status = 'open' THEN 1 + floor(s.r3 * 2)::int ELSE 0 END,
                a.id
           FROM (SELECT g, r1, r2, r3, r4, created,
                        least(created + r5 * CASE WHEN g > ${recent} THEN interval '3 days' ELSE interval '20 days' END, now()) AS updated,
                        CASE WHEN g <= ${recent} THEN CASE WHEN r5 < 0.99 THEN 'closed' WHEN r5 < 0.995 THEN 'answered' ELSE 'in_progress' END
                             WHEN r5 < 0.40 THEN 'closed' WHEN r5 < 0.65 THEN 'open' WHEN r5 < 0.80 THEN 'in_progress' ELSE 'answered' END AS status
                   FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5,
                                now() - interval '3 years' * (1 - g::float8 / ${size.tickets}) - random() * interval '1 hour' AS created
                           FROM generate_series(${lo}, ${hi}) g) raw) s
           JOIN bench_customers c ON c.n = 1 + floor(${size.customers} * power(s.r1, 2))::int
           LEFT JOIN bench_agents a ON ((999 + s.g) % 9 <> 0 OR (999 + s.g) % 20000 = 0)
                AND a.n = (ARRAY[1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6])[1 + ((999 + s.g)::int8 * 7919) % 12]
          ORDER BY s.g`,
        // 1–9 replies per ticket (5 on average), 50 for every 20,000th ticket; customer and Lex team alternate.
        `INSERT INTO support_replies (id, ticket_id, message, is_admin, sender_name, created_at)
         SELECT ${uuid7('r.at')}, r.* FROM (SELECT t.id,
                CASE WHEN k % 2 = 0 THEN 'Thank you for your question about ' || lower(t.subject) || '. Under the applicable CAO the rule is as follows; let us know if anything is unclear.'
                     ELSE 'Hello, ' || t.subject || ' — could you help us with this? Reply ' || k || '.' END,
                k % 2 = 0, CASE WHEN k % 2 = 0 THEN 'Lex Team' ELSE t.user_name END,
                t.created_at + (t.updated_at - t.created_at) * ((k - 1)::float8 / n) AS at
           FROM (SELECT id, subject, user_name, created_at, updated_at,
                        CASE WHEN ticket_number % 20000 = 0 THEN 50 ELSE 1 + (ticket_number * 37) % 9 END AS n
                   FROM support_tickets WHERE ${range}) t
          CROSS JOIN LATERAL generate_series(1, t.n) k) r`,
        // About one ticket in seven carries an internal note, one in seventy three of them.
        `INSERT INTO support_replies (id, ticket_id, message, is_admin, is_internal, sender_name, created_at)
         SELECT ${uuid7('n.at')}, n.* FROM (SELECT t.id, 'Internal note ' || k || ': checked ' || lower(t.subject) || ' with payroll engineering before answering.',
                true, true, coalesce(a.name, 'Lex Agent 1'), t.created_at + (t.updated_at - t.created_at) * (k::float8 / 4) AS at
           FROM support_tickets t
           LEFT JOIN bench_agents a ON a.id = t.assignee_id
          CROSS JOIN LATERAL generate_series(1, CASE WHEN t.ticket_number % 70 = 3 THEN 3 ELSE 1 END) k
          WHERE ${range} AND t.ticket_number % 7 = 3) n`,
      ],
      // What a new ticket gets when it is opened: its CREATED event, and its first response and due
      // time (from BUSINESS_HOURS and SLA_FIRST_RESPONSE_HOURS as set, else the defaults), as the
      // lifecycle's backfill job gives tickets from before it (docs/architecture.md §10). Then
      // satisfaction: about a third of the closed tickets rated, within two days of the close; mostly
      // 4 and 5, less happily when the first response came late (docs/architecture.md §10 and §11).
      run: async (db) => {
        await backfillLifecycle(
          async (sql, parameters) => (await db.query(sql, parameters)).rows,
          parseLifecycleConfig(process.env),
          CHUNK,
          numbers,
        );
        await db.query(`SELECT setseed(${(lo % 7919) / 7919})`);
        await db.query(
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
        );
      },
    });
  }
  list.push({
    name: 'ticket-numbers',
    sql: [`SELECT setval(pg_get_serial_sequence('support_tickets', 'ticket_number'), (SELECT max(ticket_number) FROM support_tickets))`],
  });
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
  return list;
}

/**
 * The dropped indexes, rebuilt one step each (two at a time: a GIN build uses one core). The words'
 * GIN index (2.6 min at 10M) goes first, so that the B-trees fill the other lane instead of leaving
 * the longest build alone at the end.
 */
async function indexSteps(db: Client): Promise<Step[]> {
  const { rows } = await db.query(`SELECT name, definition FROM bench_seed_indexes ORDER BY definition LIKE '%USING gin%' DESC, name`);
  return rows.map((r: { name: string; definition: string }) => ({
    name: `index ${r.name}`,
    parallel: true,
    sql: [`SET LOCAL maintenance_work_mem = '1GB'`, r.definition.replace('CREATE INDEX ', 'CREATE INDEX IF NOT EXISTS ')],
  }));
}

/** Runs the steps not done yet, in order; consecutive parallel ones on all `clients` at once. */
async function runSteps(clients: Client[], all: Step[], done: Set<string>, log: (line: string) => void): Promise<number> {
  const runOne = async (db: Client, step: Step) => {
    const t0 = performance.now();
    await db.query('BEGIN');
    try {
      for (const sql of step.sql) {
        const s0 = performance.now();
        await db.query(sql);
        if (VERBOSE) log(`    ${((performance.now() - s0) / 1000).toFixed(2)} s  ${sql.replace(/\s+/g, ' ').slice(0, 70)}`);
      }
      const r0 = performance.now();
      await step.run?.(db);
      if (VERBOSE && step.run) log(`    ${((performance.now() - r0) / 1000).toFixed(2)} s  (the step's function)`);
      const seconds = (performance.now() - t0) / 1000;
      await db.query(`INSERT INTO bench_seed (step, seconds) VALUES ($1, $2)`, [step.name, seconds.toFixed(2)]);
      await db.query('COMMIT');
      log(`  ${step.name.padEnd(36)} ${seconds.toFixed(1).padStart(7)} s`);
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  };
  const pending = all.filter((step) => !done.has(step.name));
  let next = 0;
  while (next < pending.length) {
    if (!pending[next].parallel) {
      await runOne(clients[0], pending[next++]);
      continue;
    }
    const lane: Step[] = [];
    while (next < pending.length && pending[next].parallel) lane.push(pending[next++]);
    let taken = 0;
    await Promise.all(
      clients.map(async (db) => {
        while (taken < lane.length) await runOne(db, lane[taken++]);
      }),
    );
  }
  return pending.length;
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

  const clients = Array.from({ length: SEED_CONNECTIONS }, () => new Client({ connectionString: url }));
  await Promise.all(clients.map((c) => c.connect()));
  const [db] = clients;
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
    for (const c of clients) await c.query(`SET synchronous_commit = off; SET work_mem = '64MB'`);
    let ran = await runSteps(clients, steps(size, hash), done, log);
    ran += await runSteps(clients, await indexSteps(db), done, log);
    if (ran) {
      const t0 = performance.now();
      // The range steps update each ticket once (its lifecycle): a dead version per ticket, and the
      // counts' and roll-ups' rows rewritten; two tables at a time.
      const tables = ['support_tickets', 'support_replies', 'ticket_events', 'support_ticket_counts', 'support_assignment_counts'];
      tables.push('ticket_ratings', 'support_report_days', 'support_report_histograms', 'tenants', 'users');
      let taken = 0;
      await Promise.all(
        clients.map(async (c) => {
          while (taken < tables.length) await c.query(`VACUUM (ANALYZE) ${tables[taken++]}`);
        }),
      );
      log(`  ${'vacuum analyze'.padEnd(36)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
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
    await Promise.all(clients.map((c) => c.end()));
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const scale = Number(argValue('scale') ?? 1);
  if (!(scale > 0 && scale <= 10)) throw new Error('--scale must be in (0, 10]');
  seed({ scale, reset: process.argv.includes('--reset'), database: argValue('database') })
    .then(() => process.exit(0))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
