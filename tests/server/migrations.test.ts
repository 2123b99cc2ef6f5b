import { Client } from 'pg';
import { openDatabases } from '../../server/db/data-source';

// Several instances starting at once on an empty database: each migration runs exactly once.
it('migrates an empty database once when four instances start together', async () => {
  const admin = new Client({ connectionString: process.env.LEX_TEST_PG_ADMIN_URL });
  await admin.connect();
  const name = `lex_test_migrate_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = process.env.LEX_TEST_PG_ADMIN_URL!.replace(/\/[^/]*$/, `/${name}`);
  try {
    const instances = await Promise.all(Array.from({ length: 4 }, () => openDatabases(url, { poolSize: 1 })));
    const { system } = instances[0];
    const [{ runs, distinct }] = await system.query(`SELECT count(*)::int AS runs, count(DISTINCT name)::int AS distinct FROM migrations`);
    expect(runs).toBe(distinct);
    expect(runs).toBe(system.migrations.length);
    await Promise.all(instances.map((db) => db.destroy()));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});
