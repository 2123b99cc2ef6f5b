import type { DataSource, Logger } from 'typeorm';

export interface CapturedStatement {
  sql: string;
  parameters: unknown[];
  /** Sent on the owner's connections (the session lookup, badges), not the app's. */
  system: boolean;
}

/**
 * Records every SQL statement the server's DataSources send (TypeORM reports each one to its logger
 * before it runs; each is one round trip). `install` swaps the loggers in place, so it works on
 * DataSources that the server under test opened itself. Give it the system DataSource too, or a
 * request's session lookup goes uncounted.
 */
export class SqlCapture {
  statements: CapturedStatement[] = [];
  enabled = true;

  static install(db: DataSource, system?: DataSource): SqlCapture {
    const capture = new SqlCapture();
    (db as unknown as { logger: Logger }).logger = capture.logger(false);
    if (system) (system as unknown as { logger: Logger }).logger = capture.logger(true);
    return capture;
  }

  /** The statements sent while `work` ran. */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; statements: CapturedStatement[] }> {
    const start = this.statements.length;
    this.enabled = true;
    const result = await work();
    return { result, statements: this.statements.slice(start) };
  }

  reset() {
    this.statements = [];
  }

  private logger(system: boolean): Logger {
    return {
      logQuery: (sql, parameters) => {
        if (this.enabled) this.statements.push({ sql, parameters: Array.isArray(parameters) ? parameters : [], system });
      },
      logQueryError() {},
      logQuerySlow() {},
      logSchemaBuild() {},
      logMigration() {},
      log() {},
    };
  }
}

/** Transaction control and per-transaction settings: not work a plan could make slow. */
export const isBookkeeping = (sql: string) =>
  /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SELECT set_config\()/i.test(sql);

/**
 * The round trips a request waits for: every statement it sends but the COMMIT of each read-only
 * transaction (`readAsViewer`, server/db/viewer-transaction.ts), which goes out after the result.
 */
export const awaitedRoundTrips = (statements: readonly CapturedStatement[]) =>
  statements.length - statements.filter((s) => /^BEGIN READ ONLY;/.test(s.sql)).length;
