import type { DataSource, Logger } from 'typeorm';

export interface CapturedStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * Records every SQL statement a DataSource sends (TypeORM reports each one to its logger before it
 * runs). `install` swaps the DataSource's logger in place, so it works on a DataSource that the
 * server under test opened itself.
 */
export class SqlCapture implements Logger {
  statements: CapturedStatement[] = [];
  enabled = true;

  static install(db: DataSource): SqlCapture {
    const capture = new SqlCapture();
    (db as unknown as { logger: Logger }).logger = capture;
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

  logQuery(query: string, parameters?: unknown[]) {
    if (this.enabled) this.statements.push({ sql: query, parameters: Array.isArray(parameters) ? parameters : [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/** Transaction control and per-transaction settings: not work a plan could make slow. */
export const isBookkeeping = (sql: string) =>
  /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SELECT set_config\()/i.test(sql);
