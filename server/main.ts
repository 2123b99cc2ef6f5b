import 'reflect-metadata';
import { createDemoAccounts } from './accounts/demo-data';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { EmbeddedDatabaseError, startEmbeddedPostgres } from './db/embedded-postgres';
import { openDatabases } from './db/data-source';
import { createLogger } from './logger';
import { createEventBus } from './realtime/pubsub';

async function main() {
  const config = loadConfig();
  const log = createLogger();

  // No DATABASE_URL: a PostgreSQL of its own, whose first log line says where it runs.
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, (line) => log.info(line));
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const databases = await openDatabases(databaseUrl, { appUrl: config.databaseAppUrl });
  const { app: db, system } = databases;
  if (!config.production) {
    // Printed rather than logged: the newcomer needs these, and logs never carry passwords.
    for (const line of await createDemoAccounts(system)) console.log(line);
    if (config.sso?.keys.kind === 'development') {
      console.log('Sign in as a Lex user: npm run sso -- token --sub 1 --role customer --tenant-id 1 --tenant-name "Bakkerij Jansen"');
    }
  }
  const bus = createEventBus(config.redisUrl, (message) => log.warn(message), config.redisPrefix);
  // Every instance runs a job worker; the queue gives each job to one of them.
  const app = await createApp({ config, db, system, bus, log, jobs: { ownerUrl: databaseUrl } });
  const port = await app.listen(config.port);
  log.info({ port, redis: Boolean(config.redisUrl) }, `Lex Support is serving http://localhost:${port}/ (GraphQL at /graphql)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    // Past Apollo's 10 s grace for requests in flight, so that a slow request is cut by the drain, not by this.
    const force = setTimeout(() => {
      log.error(`${signal}: still shutting down after 15 s, exiting`);
      process.exit(1);
    }, 15_000).unref();
    let code = 0;
    try {
      await app.close();
      await bus.close();
      await databases.destroy();
      await embedded?.stop();
    } catch (err) {
      log.error({ err }, `${signal}: shutdown failed`);
      code = 1;
    } finally {
      clearTimeout(force);
      process.exit(code);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else if (error instanceof EmbeddedDatabaseError) console.error(error.message);
  else console.error('Start-up failed:', error);
  process.exit(1);
});
