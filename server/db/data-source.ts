import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Tenant } from '../accounts/tenant.entity';
import { User } from '../accounts/user.entity';
import { Session } from '../auth/session.entity';
import { APP_ROLE } from '../contract';
import { SupportReply } from '../support/reply.entity';
import { SupportTicket } from '../support/ticket.entity';
import { Init1764000000000 } from './migrations/1764000000000-Init';
import { RowLevelSecurity1764100000000 } from './migrations/1764100000000-RowLevelSecurity';
import { TicketCounts1764200000000 } from './migrations/1764200000000-TicketCounts';
import { FasterSearch1764200000001 } from './migrations/1764200000001-FasterSearch';
import { CustomerBadge1764200000002 } from './migrations/1764200000002-CustomerBadge';
import { ClientMutations1764350000000 } from './migrations/1764350000000-ClientMutations';

export const entities = [Tenant, User, Session, SupportTicket, SupportReply];
export const migrations = [
  Init1764000000000,
  RowLevelSecurity1764100000000,
  TicketCounts1764200000000,
  FasterSearch1764200000001,
  CustomerBadge1764200000002,
  ClientMutations1764350000000,
];

export interface DataSourceOptions {
  poolSize?: number;
  /** Work as the row-level-secured application role (the server) rather than as the tables' owner (migrations). */
  asApp?: boolean;
}

export function createDataSource(url: string, { poolSize = 10, asApp = false }: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsTransactionMode: 'each',
    // While the database is away, requests fail within seconds instead of waiting on a dead socket.
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 3000,
      keepAlive: true,
      query_timeout: 30_000,
      ...(asApp ? { options: `-c role=${APP_ROLE}` } : {}),
    },
  });
}

/**
 * Applies pending migrations as the tables' owner, then opens the server's connections, which work
 * as the application role that row-level security applies to.
 */
export async function openDatabase(url: string, poolSize?: number): Promise<DataSource> {
  const owner = await initialize(createDataSource(url, { poolSize: 1 }));
  try {
    // Instances starting together migrate one after another (the pool's one connection holds the lock).
    await owner.query(`SELECT pg_advisory_lock(hashtext('lex-support:migrations'))`);
    await owner.runMigrations();
  } finally {
    await owner.destroy();
  }
  return initialize(createDataSource(url, { poolSize, asApp: true }));
}

/**
 * Initializes `dataSource` so that a connection dying as it opens cannot end the process: pg-pool
 * hands a new connection over when its ReadyForQuery arrives, and TypeORM listens for the
 * connection's errors only a microtask later. A FATAL error read in the same packet (a backend
 * terminated while starting) would fall between the two as an unhandled 'error' event. Each
 * connection therefore gets a listener of its own from the start; the failed query still reports it.
 */
async function initialize(dataSource: DataSource): Promise<DataSource> {
  await dataSource.initialize();
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  pool.on('connect', (client) => client.on('error', () => undefined));
  return dataSource;
}
