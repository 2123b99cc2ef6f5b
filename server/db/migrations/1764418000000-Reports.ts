import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';
import { HISTOGRAM_BUCKETS, HISTOGRAM_RATIO } from '../../reports/histogram';
import { COUNT_SHARDS } from './1764200000000-TicketCounts';

const TEAM = '(SELECT lex_viewer_is_team())';
const COUNTERS = ['created', 'closed', 'responded', 'sla_judged', 'sla_met', 'ratings', 'rating_sum'];

/** A writer's shard as this migration made it: its backend's number. */
export const BACKEND_SHARD = `pg_backend_pid() % ${COUNT_SHARDS}`;
/** A writer's shard since migration FreeReportShards: one no other open transaction holds. */
export const WRITER_SHARD = `support_report_writer_shard()`;

/** Whether the roll-ups hold ticket `t` (see support_report_state), on the state row aliased `s`. */
export const COUNTED = (t: string) =>
  `s.time_zone IS NOT NULL AND (${t}.ticket_number >= s.live_from OR ${t}.ticket_number < s.backfilled_to)`;

/**
 * One statement that adds the facts `facts` (a query with the columns of support_report_facts, its
 * signs applied) to the day rows and the histograms, on the state row aliased `s` being in scope of
 * `facts` as `zone`. Rows of today and yesterday (local) go to the writer's shard (`writerShard`), so
 * that concurrent writers seldom wait on one row; older days, rarely written, to shard 0 (the
 * compaction job folds the shards of days that became old). Groups in a fixed order; groups that add
 * nothing are skipped.
 */
export function addFactsSql(facts: string, writerShard = WRITER_SHARD): string {
  const shard = `CASE WHEN f.day >= (now() AT TIME ZONE f.zone)::date - 1 THEN ${writerShard} ELSE 0 END`;
  return `
    WITH f AS (${facts}),
    days AS (
      INSERT INTO support_report_days AS d (day, category, assignee_id, shard, ${COUNTERS.join(', ')})
      SELECT f.day, f.category, f.assignee_id, min(${shard}), ${COUNTERS.map((c) => `sum(f.${c})`).join(', ')}
        FROM f GROUP BY f.day, f.category, f.assignee_id
      HAVING ${COUNTERS.map((c) => `sum(f.${c}) <> 0`).join(' OR ')}
       ORDER BY f.day, f.category, f.assignee_id NULLS FIRST
      ON CONFLICT (day, category, assignee_id, shard)
      DO UPDATE SET ${COUNTERS.map((c) => `${c} = d.${c} + EXCLUDED.${c}`).join(', ')}
    )
    INSERT INTO support_report_histograms AS h (day, measure, shard, counts)
    SELECT b.day, b.measure, min(b.shard), support_report_histogram(array_agg(b.bucket), array_agg(b.n))
      FROM (SELECT f.day, f.measure, ${shard} AS shard, support_report_bucket(f.minutes) AS bucket, sum(f.closed + f.responded) AS n
              FROM f WHERE f.measure IS NOT NULL
             GROUP BY 1, 2, 3, 4 HAVING sum(f.closed + f.responded) <> 0) b
     GROUP BY b.day, b.measure ORDER BY b.day, b.measure
    ON CONFLICT (day, measure, shard) DO UPDATE SET counts = support_report_add_counts(h.counts, EXCLUDED.counts)`;
}

/**
 * The facts of ticket row `row` (a row of `from`, or OLD/NEW in a trigger) that `where` picks, signed
 * `sign`, when counted.
 */
export const ticketFactsSql = (sign: number, row: string, from = '', where = 'true') =>
  `SELECT x.*, s.time_zone AS zone FROM ${from ? `${from}, ` : ''}support_report_state s,
     LATERAL support_report_facts(${['created_at', 'closed_at', 'first_response_at', 'first_response_due_at', 'category', 'assignee_id']
       .map((column) => `${row}.${column}`)
       .join(', ')}, s.time_zone, ${sign}) x
    WHERE ${where} AND ${COUNTED(row)}`;

/**
 * The facts of the ratings `r` of `from` under the group of their ticket `ticket` (a row of `from`,
 * or OLD/NEW in a trigger), signed `sign`, when counted.
 */
export const ratingFactsSql = (sign: number, ticket: string, from: string, where = 'true') =>
  `SELECT (r.created_at AT TIME ZONE s.time_zone)::date AS day, ${ticket}.category, ${ticket}.assignee_id, 0 AS created, 0 AS closed,
          0 AS responded, 0 AS sla_judged, 0 AS sla_met, ${sign} AS ratings, ${sign} * r.score AS rating_sum, NULL::text AS measure,
          NULL::float8 AS minutes, s.time_zone AS zone
     FROM ${from}, support_report_state s WHERE ${where} AND ${COUNTED(ticket)}`;

/**
 * The trigger functions that add a change's facts to the roll-ups (the triggers themselves are made
 * in Reports.up), with `writerShard` for today's and yesterday's rows.
 */
export function reportTriggerFunctions(writerShard: string): string[] {
  const add = (facts: string) => addFactsSql(facts, writerShard);
  return [
    `
      CREATE OR REPLACE FUNCTION support_report_tickets_inserted() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        ${add(ticketFactsSql(1, 't', 'inserted t'))};
        RETURN NULL;
      END $$`,
    `
      CREATE OR REPLACE FUNCTION support_report_ticket_updated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF NOT EXISTS (SELECT FROM support_report_state s WHERE ${COUNTED('NEW')}) THEN RETURN NULL; END IF;
        ${add(`${ticketFactsSql(-1, 'OLD')} UNION ALL ${ticketFactsSql(1, 'NEW')}`)};
        IF OLD.category IS DISTINCT FROM NEW.category OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id THEN
          ${add(
            `${ratingFactsSql(-1, 'OLD', 'ticket_ratings r', 'r.ticket_id = OLD.id')}
             UNION ALL ${ratingFactsSql(1, 'NEW', 'ticket_ratings r', 'r.ticket_id = NEW.id')}`,
          )};
        END IF;
        RETURN NULL;
      END $$`,
    `
      CREATE OR REPLACE FUNCTION support_report_ticket_deleted() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF NOT EXISTS (SELECT FROM support_report_state s WHERE ${COUNTED('OLD')}) THEN RETURN OLD; END IF;
        ${add(`${ticketFactsSql(-1, 'OLD')} UNION ALL ${ratingFactsSql(-1, 'OLD', 'ticket_ratings r', 'r.ticket_id = OLD.id')}`)};
        RETURN OLD;
      END $$`,
    `
      CREATE OR REPLACE FUNCTION support_report_ratings_inserted() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        PERFORM 1 FROM support_tickets WHERE id IN (SELECT ticket_id FROM inserted) ORDER BY id FOR SHARE;
        ${add(ratingFactsSql(1, 't', 'inserted r JOIN support_tickets t ON t.id = r.ticket_id'))};
        RETURN NULL;
      END $$`,
    `
      CREATE OR REPLACE FUNCTION support_report_ratings_deleted() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        ${add(ratingFactsSql(-1, 't', 'deleted r JOIN support_tickets t ON t.id = r.ticket_id'))};
        RETURN NULL;
      END $$`,
  ];
}

/**
 * Reports from daily roll-ups (docs/architecture.md §11): `support_report_days` holds, per local day
 * (in the business-hours time zone) × category × assignee, the tickets created, closed and first
 * answered that day, the service-level verdicts and the ratings given; `support_report_histograms`
 * the first-response and resolution times of each day as counts in logarithmic buckets, from which
 * medians and percentiles are read. Triggers on support_tickets and ticket_ratings keep both in the
 * change's own transaction: a ticket's contribution is a function of its row (support_report_facts),
 * so a change subtracts the old row's facts and adds the new one's, and the roll-ups always equal a
 * recomputation from the tickets.
 *
 * Which tickets they hold is `support_report_state`: none until a server sets the time zone (at
 * start, from BUSINESS_HOURS); then tickets numbered from `live_from` on are counted by the
 * triggers, and those below by the job `reports.backfill`, in batches, up to `backfilled_to`. The
 * migration itself reads no ticket.
 */
export class Reports1764418000000 implements MigrationInterface {
  name = 'Reports1764418000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE support_report_days (
        day date NOT NULL,
        category text NOT NULL,
        assignee_id uuid,
        shard smallint NOT NULL,
        ${COUNTERS.map((c) => `${c} bigint NOT NULL DEFAULT 0`).join(',\n        ')},
        CONSTRAINT support_report_days_group UNIQUE NULLS NOT DISTINCT (day, category, assignee_id, shard)
      )`);
    await q.query(`
      CREATE TABLE support_report_histograms (
        day date NOT NULL,
        measure text NOT NULL CHECK (measure IN ('first_response', 'resolution')),
        shard smallint NOT NULL,
        counts bigint[] NOT NULL,
        PRIMARY KEY (day, measure, shard)
      )`);
    await q.query(`
      CREATE TABLE support_report_state (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        time_zone text,
        live_from int NOT NULL DEFAULT 0,
        backfilled_to int NOT NULL DEFAULT 0
      )`);
    await q.query(`INSERT INTO support_report_state DEFAULT VALUES`);

    // The bucket of a duration in minutes: 0 below a minute, then buckets HISTOGRAM_RATIO wide (histogram.ts).
    await q.query(`
      CREATE FUNCTION support_report_bucket(minutes float8) RETURNS int LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN minutes < 1 THEN 0 ELSE least(${HISTOGRAM_BUCKETS - 1}, 1 + floor(ln(minutes) / ln(${HISTOGRAM_RATIO}))::int) END
      $$`);
    await q.query(`
      CREATE FUNCTION support_report_histogram(buckets int[], counts bigint[]) RETURNS bigint[] LANGUAGE sql IMMUTABLE AS $$
        SELECT array_agg(coalesce(c.n, 0) ORDER BY i)
          FROM generate_series(0, ${HISTOGRAM_BUCKETS - 1}) i LEFT JOIN unnest(buckets, counts) AS c (b, n) ON c.b = i
      $$`);
    await q.query(`
      CREATE FUNCTION support_report_add_counts(a bigint[], b bigint[]) RETURNS bigint[] LANGUAGE sql IMMUTABLE AS $$
        SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u (x, y, i)
      $$`);
    // What one ticket adds (docs §11): created on its creation day; closed, and its resolution time,
    // on the day of its (last) close; its first-response time on the day of the first response. The
    // service level is judged when its clock stops: at the first response, or at closing unanswered.
    await q.query(`
      CREATE FUNCTION support_report_facts(p_created_at timestamptz, p_closed_at timestamptz, p_first_response_at timestamptz,
        p_due_at timestamptz, p_category text, p_assignee_id uuid, zone text, sign int,
        OUT day date, OUT category text, OUT assignee_id uuid, OUT created int, OUT closed int, OUT responded int,
        OUT sla_judged int, OUT sla_met int, OUT ratings int, OUT rating_sum int, OUT measure text, OUT minutes float8)
      RETURNS SETOF record LANGUAGE sql STABLE AS $$
        SELECT (p_created_at AT TIME ZONE zone)::date, p_category, p_assignee_id, sign, 0, 0, 0, 0, 0, 0, NULL, NULL
        UNION ALL
        SELECT (p_closed_at AT TIME ZONE zone)::date, p_category, p_assignee_id, 0, sign, 0,
               CASE WHEN p_first_response_at IS NULL AND p_due_at IS NOT NULL THEN sign ELSE 0 END,
               CASE WHEN p_first_response_at IS NULL AND p_closed_at <= p_due_at THEN sign ELSE 0 END,
               0, 0, 'resolution', extract(epoch FROM p_closed_at - p_created_at) / 60
         WHERE p_closed_at IS NOT NULL
        UNION ALL
        SELECT (p_first_response_at AT TIME ZONE zone)::date, p_category, p_assignee_id, 0, 0, sign,
               CASE WHEN p_due_at IS NOT NULL THEN sign ELSE 0 END,
               CASE WHEN p_first_response_at <= p_due_at THEN sign ELSE 0 END,
               0, 0, 'first_response', extract(epoch FROM p_first_response_at - p_created_at) / 60
         WHERE p_first_response_at IS NOT NULL
      $$`);

    for (const statement of reportTriggerFunctions(BACKEND_SHARD)) await q.query(statement);
    // New tickets, per statement (a bulk load is one statement's work).
    await q.query(`
      CREATE TRIGGER support_report_tickets_inserted AFTER INSERT ON support_tickets
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION support_report_tickets_inserted()`);
    // A change of what a ticket adds: the old row's facts out, the new row's in; its ratings move
    // along when its group (category, assignee) changes.
    await q.query(`
      CREATE TRIGGER support_report_ticket_updated AFTER UPDATE ON support_tickets FOR EACH ROW
      WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
            OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at
            OR OLD.first_response_due_at IS DISTINCT FROM NEW.first_response_due_at
            OR OLD.category IS DISTINCT FROM NEW.category OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
      EXECUTE FUNCTION support_report_ticket_updated()`);
    // Before the row goes, while its ratings are still there (the cascade removes them after it).
    await q.query(`
      CREATE TRIGGER support_report_ticket_deleted BEFORE DELETE ON support_tickets FOR EACH ROW
      EXECUTE FUNCTION support_report_ticket_deleted()`);
    // Emptied tickets (tests reset tables): empty roll-ups, and every ticket from now on is counted live.
    await q.query(`
      CREATE FUNCTION support_report_tickets_truncated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        DELETE FROM support_report_days;
        DELETE FROM support_report_histograms;
        UPDATE support_report_state SET live_from = 0, backfilled_to = 0;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER support_report_tickets_truncated AFTER TRUNCATE ON support_tickets
      FOR EACH STATEMENT EXECUTE FUNCTION support_report_tickets_truncated()`);

    // A rating, under its ticket's group. The ticket is locked first (as a change of its group
    // would), so that a reassignment and a rating never miss each other; then the state is read.
    await q.query(`
      CREATE TRIGGER support_report_ratings_inserted AFTER INSERT ON ticket_ratings
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION support_report_ratings_inserted()`);
    // A rating removed on its own (a ticket's removal took its ratings out already: the join finds no ticket).
    await q.query(`
      CREATE TRIGGER support_report_ratings_deleted AFTER DELETE ON ticket_ratings
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION support_report_ratings_deleted()`);
    await q.query(`
      CREATE FUNCTION support_report_ratings_truncated() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN UPDATE support_report_days SET ratings = 0, rating_sum = 0 WHERE ratings <> 0; RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER support_report_ratings_truncated AFTER TRUNCATE ON ticket_ratings
      FOR EACH STATEMENT EXECUTE FUNCTION support_report_ratings_truncated()`);

    for (const fn of [
      'support_report_tickets_inserted()',
      'support_report_ticket_updated()',
      'support_report_ticket_deleted()',
      'support_report_tickets_truncated()',
      'support_report_ratings_inserted()',
      'support_report_ratings_deleted()',
      'support_report_ratings_truncated()',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }
    // The team's figures: only a Lex team session reads them; the triggers write as the owner.
    for (const table of ['support_report_days', 'support_report_histograms', 'support_report_state']) {
      await q.query(`REVOKE ALL ON ${table} FROM ${APP_ROLE}`);
      await q.query(`GRANT SELECT ON ${table} TO ${APP_ROLE}`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY ${table}_team ON ${table} FOR SELECT USING (${TEAM})`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF to_regclass('graphile_worker._private_jobs') IS NOT NULL THEN
          DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks k
           WHERE j.task_id = k.id AND k.identifier IN ('reports.backfill', 'reports.compact');
        END IF;
      END $$`);
    for (const [trigger, table] of [
      ['support_report_tickets_inserted', 'support_tickets'],
      ['support_report_ticket_updated', 'support_tickets'],
      ['support_report_ticket_deleted', 'support_tickets'],
      ['support_report_tickets_truncated', 'support_tickets'],
      ['support_report_ratings_inserted', 'ticket_ratings'],
      ['support_report_ratings_deleted', 'ticket_ratings'],
      ['support_report_ratings_truncated', 'ticket_ratings'],
    ]) {
      await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
      await q.query(`DROP FUNCTION ${trigger}()`);
    }
    await q.query(`DROP FUNCTION support_report_facts(timestamptz, timestamptz, timestamptz, timestamptz, text, uuid, text, int)`);
    await q.query(`DROP FUNCTION support_report_add_counts(bigint[], bigint[])`);
    await q.query(`DROP FUNCTION support_report_histogram(int[], bigint[])`);
    await q.query(`DROP FUNCTION support_report_bucket(float8)`);
    await q.query(`DROP TABLE support_report_state`);
    await q.query(`DROP TABLE support_report_histograms`);
    await q.query(`DROP TABLE support_report_days`);
  }
}
