import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';

export default async function globalTeardown() {
  const admin = new Client({ connectionString: process.env.LEX_TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${process.env.LEX_TEST_TEMPLATE} WITH (FORCE)`);
  await admin.end();
  const state = globalThis as { __embeddedPostgres?: { stop(): Promise<void> }; __redis?: ChildProcess };
  await state.__embeddedPostgres?.stop();
  state.__redis?.kill();
}
