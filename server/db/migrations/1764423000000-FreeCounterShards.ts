import { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNT_SHARDS } from './1764200000000-TicketCounts';

/** Shard numbers a writer falls back to when every shard of its group is held by other writers. */
const FALLBACK_SHARDS = 64;

/**
 * The trigger-kept counts (migrations TicketCounts and AssignmentCounts) add to a shard that no other
 * transaction holds. Each backend used to add to its own shard, pg_backend_pid() % 16: with sixteen
 * writers, two often share a number, and the second waits for the first to commit. New tickets all
 * land in the same few groups (open, unassigned), and at 1M tickets the upsert of an assignment count
 * took 50 ms on average under 16 concurrent writers (pg_stat_statements, README "Ten times the
 * scale"). Now a writer takes the first shard row of its group that is free (SKIP LOCKED: one this
 * transaction holds counts as free), and only when all are held adds a row on its own shard number.
 * A group keeps about as many rows as it had concurrent writers; readers sum them as before.
 */
interface Counter {
  table: string;
  /** The parameters that name a group and their columns (`nullable`: compared with IS NOT DISTINCT FROM). */
  group: Array<{ param: string; type: string; column: string; nullable?: true }>;
  /** What the function adds: parameter `p_<column>` to each column. */
  sums: string[];
}

const TICKET_COUNTS: Counter = {
  table: 'support_ticket_counts',
  group: [
    { param: 'p_status', type: 'text', column: 'status' },
    { param: 'p_category', type: 'text', column: 'category' },
  ],
  sums: ['tickets', 'admin_unread', 'sla_missed'],
};

const ASSIGNMENT_COUNTS: Counter = {
  table: 'support_assignment_counts',
  group: [
    { param: 'p_assignee', type: 'uuid', column: 'assignee_id', nullable: true },
    { param: 'p_closed', type: 'boolean', column: 'closed' },
  ],
  sums: ['tickets'],
};

const signature = ({ group, sums }: Counter) =>
  [...group.map((g) => `${g.param} ${g.type}`), ...sums.map((sum) => `p_${sum} bigint`)].join(', ');

const upsert = ({ table, group, sums }: Counter, shard: string) => `
  INSERT INTO ${table} AS c (${[...group.map((g) => g.column), 'shard', ...sums].join(', ')})
  VALUES (${[...group.map((g) => g.param), shard, ...sums.map((sum) => `p_${sum}`)].join(', ')})
  ON CONFLICT (${[...group.map((g) => g.column), 'shard'].join(', ')})
  DO UPDATE SET ${sums.map((sum) => `${sum} = c.${sum} + EXCLUDED.${sum}`).join(', ')}`;

/** The add function of a counter: to a free shard of the group, else to the backend's own. */
function freeShardAdd(counter: Counter): string {
  const { table, group, sums } = counter;
  const inGroup = (alias: string) =>
    group.map((g) => `${alias}.${g.column} ${g.nullable ? 'IS NOT DISTINCT FROM' : '='} ${g.param}`).join(' AND ');
  return `
    CREATE OR REPLACE FUNCTION ${table}_add(${signature(counter)})
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
      UPDATE ${table} c SET ${sums.map((sum) => `${sum} = c.${sum} + p_${sum}`).join(', ')}
       WHERE ${inGroup('c')}
         AND c.shard = (SELECT f.shard FROM ${table} f WHERE ${inGroup('f')} LIMIT 1 FOR UPDATE SKIP LOCKED);
      IF NOT FOUND THEN${upsert(counter, `pg_backend_pid() % ${FALLBACK_SHARDS}`)};
      END IF;
    END $$`;
}

/** The add function as migrations TicketCounts, Lifecycle and AssignmentCountsClosed made it. */
const ownShardAdd = (counter: Counter) => `
  CREATE OR REPLACE FUNCTION ${counter.table}_add(${signature(counter)})
  RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$${upsert(counter, `pg_backend_pid() % ${COUNT_SHARDS}`)}
  $$`;

export class FreeCounterShards1764423000000 implements MigrationInterface {
  name = 'FreeCounterShards1764423000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const counter of [TICKET_COUNTS, ASSIGNMENT_COUNTS]) await q.query(freeShardAdd(counter));
  }

  /** Back to the backend's own shard of sixteen. */
  public async down(q: QueryRunner): Promise<void> {
    for (const counter of [TICKET_COUNTS, ASSIGNMENT_COUNTS]) await q.query(ownShardAdd(counter));
  }
}
