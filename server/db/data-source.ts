import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Tenant } from '../accounts/tenant.entity';
import { User } from '../accounts/user.entity';
import { Session } from '../auth/session.entity';
import { SupportReply } from '../support/reply.entity';
import { SupportTicket } from '../support/ticket.entity';
import { CannedReply } from '../team/canned-reply.entity';
import { Init1764000000000 } from './migrations/1764000000000-Init';
import { RowLevelSecurity1764100000000 } from './migrations/1764100000000-RowLevelSecurity';
import { TicketCounts1764200000000 } from './migrations/1764200000000-TicketCounts';
import { FasterSearch1764200000001 } from './migrations/1764200000001-FasterSearch';
import { CustomerBadge1764200000002 } from './migrations/1764200000002-CustomerBadge';
import { ClientMutations1764350000000 } from './migrations/1764350000000-ClientMutations';
import { SessionKeyedRowSecurity1764403000000 } from './migrations/1764403000000-SessionKeyedRowSecurity';
import { UserLocale1764404000000 } from './migrations/1764404000000-UserLocale';
import { JobQueue1764406000000 } from './migrations/1764406000000-JobQueue';
import { Email1764406000001 } from './migrations/1764406000001-Email';
import { installJobQueue } from '../jobs/job-queue';
import { assertConfined, derivedAppUrl, isLoginRefused, provisionAppLogin } from './app-login';
import { ExternalIds1764405000000 } from './migrations/1764405000000-ExternalIds';
import { InternalNotes1764407000000 } from './migrations/1764407000000-InternalNotes';
import { Assignment1764407000001 } from './migrations/1764407000001-Assignment';
import { CannedReplies1764407000002 } from './migrations/1764407000002-CannedReplies';
import { Attachments1764408000000 } from './migrations/1764408000000-Attachments';
import { AssignmentCounts1764409000000 } from './migrations/1764409000000-AssignmentCounts';
import { AssignmentCountsClosed1764410000000 } from './migrations/1764410000000-AssignmentCountsClosed';
import { AssignmentCountsRowSecurity1764410000001 } from './migrations/1764410000001-AssignmentCountsRowSecurity';
import { SigningKeys1764411000000 } from './migrations/1764411000000-SigningKeys';
import { Attachment } from '../attachments/attachment.entity';
import { TimelineEvent } from '../lifecycle/ticket-event.entity';
import { Lifecycle1764412000000 } from './migrations/1764412000000-Lifecycle';
import { OpenWork1764413000000 } from './migrations/1764413000000-OpenWork';
import { Ratings1764415000000 } from './migrations/1764415000000-Ratings';
import { AutoClose1764416000000 } from './migrations/1764416000000-AutoClose';
import { Reports1764418000000 } from './migrations/1764418000000-Reports';
import { ListOrders1764419000000 } from './migrations/1764419000000-ListOrders';
import { WordSearch1764421000000 } from './migrations/1764421000000-WordSearch';
import { TeamIndex1764422000000 } from './migrations/1764422000000-TeamIndex';
import { FreeCounterShards1764423000000 } from './migrations/1764423000000-FreeCounterShards';
import { CountWholeWordsFirst1764424000000 } from './migrations/1764424000000-CountWholeWordsFirst';
import { FreeReportShards1764425000000 } from './migrations/1764425000000-FreeReportShards';
import { StoredSearchDocument1764426000000 } from './migrations/1764426000000-StoredSearchDocument';

export const entities = [Tenant, User, Session, SupportTicket, SupportReply, Attachment, CannedReply, TimelineEvent];
export const migrations = [
  Init1764000000000,
  RowLevelSecurity1764100000000,
  TicketCounts1764200000000,
  FasterSearch1764200000001,
  CustomerBadge1764200000002,
  ClientMutations1764350000000,
  SessionKeyedRowSecurity1764403000000,
  UserLocale1764404000000,
  ExternalIds1764405000000,
  JobQueue1764406000000,
  Email1764406000001,
  InternalNotes1764407000000,
  Assignment1764407000001,
  CannedReplies1764407000002,
  Attachments1764408000000,
  AssignmentCounts1764409000000,
  AssignmentCountsClosed1764410000000,
  AssignmentCountsRowSecurity1764410000001,
  SigningKeys1764411000000,
  Lifecycle1764412000000,
  OpenWork1764413000000,
  Ratings1764415000000,
  AutoClose1764416000000,
  Reports1764418000000,
  ListOrders1764419000000,
  WordSearch1764421000000,
  TeamIndex1764422000000,
  FreeCounterShards1764423000000,
  CountWholeWordsFirst1764424000000,
  FreeReportShards1764425000000,
  StoredSearchDocument1764426000000,
];

export function createDataSource(url: string, { poolSize = 10, queryTimeoutMs = 30_000 } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsTransactionMode: 'each',
    // While the database is away, requests fail within seconds instead of waiting on a dead socket.
    extra: { max: poolSize, connectionTimeoutMillis: 3000, keepAlive: true, query_timeout: queryTimeoutMs },
  });
}

/** The server's two kinds of connections. */
export interface Databases {
  /** Everything a session asks for, as a login role that row-level security confines (app-login.ts). */
  app: DataSource;
  /**
   * Work no session asks for, as the tables' owner: signing in and checking sessions, accounts (the
   * users command, demo data), badges counted for others after a change, and system jobs.
   */
  system: DataSource;
  destroy(): Promise<void>;
}

export interface OpenOptions {
  /** Connections of each pool (opened as needed, closed when idle). */
  poolSize?: number;
  /** The operator's own login role for the app pool (DATABASE_APP_URL); derived from `ownerUrl` when unset. */
  appUrl?: string;
}

/**
 * Applies pending migrations (ours and the job queue's) as the tables' owner, makes sure the app's
 * login role exists (unless the operator gave one), and opens both pools.
 */
export async function openDatabases(ownerUrl: string, { poolSize = 10, appUrl }: OpenOptions = {}): Promise<Databases> {
  // No timeout for migrations: building an index of 10M tickets takes minutes (WordSearch: ~1 min at 1M).
  const migrator = await initialize(createDataSource(ownerUrl, { poolSize: 1, queryTimeoutMs: 0 }));
  let app: DataSource;
  try {
    // Instances starting together migrate one after another (the pool's one connection holds the lock).
    await migrator.query(`SELECT pg_advisory_lock(hashtext('lex-support:migrations'))`);
    await migrator.runMigrations();
    await installJobQueue(ownerUrl);
    const url = appUrl ?? derivedAppUrl(ownerUrl);
    const open = () => initialize(createDataSource(url, { poolSize }));
    app = await open().catch(async (error) => {
      if (appUrl || !isLoginRefused(error)) throw error;
      await provisionAppLogin(migrator, url);
      return open().catch((again) => {
        throw new Error(
          `Could not sign in as the app's login role (${again.message}): set DATABASE_APP_URL, see "Database roles" in README.md`,
        );
      });
    });
  } finally {
    await migrator.destroy();
  }
  try {
    await assertConfined(app);
    // As large as the app's: every request checks its session here, and every change counts badges.
    const system = await initialize(createDataSource(ownerUrl, { poolSize }));
    return { app, system, destroy: async () => void (await Promise.all([app.destroy(), system.destroy()])) };
  } catch (error) {
    await app.destroy();
    throw error;
  }
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
