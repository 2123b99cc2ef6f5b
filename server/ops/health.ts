import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import type { EventBus } from '../realtime/pubsub';

export interface ReadinessDeps {
  db: DataSource;
  bus: EventBus;
  log: Logger;
  /** How long the database may take to answer a probe. */
  timeoutMs?: number;
}

export type CheckResult = 'ok' | 'not configured' | string;

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; migrations: CheckResult; redis: CheckResult };
}

class Timeout extends Error {}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms);
  });
  // A probe that lost the race still settles later; its outcome no longer matters.
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Whether this instance can serve: PostgreSQL answers `SELECT 1`, no migration is pending, and
 * Redis (when configured) is connected. The reasons are short on purpose: the probe is public,
 * the details (hosts, ports, errors) go to the log.
 */
export async function checkReadiness({
  db,
  bus,
  timeoutMs = 2000,
}: ReadinessDeps): Promise<Readiness & { errors: Record<string, unknown> }> {
  const errors: Record<string, unknown> = {};
  const checks: Readiness['checks'] = { database: 'ok', migrations: 'ok', redis: 'ok' };
  try {
    await within(timeoutMs, db.query('SELECT 1'));
  } catch (error) {
    checks.database = error instanceof Timeout ? 'down: timeout' : 'down: unreachable';
    errors.database = error;
  }
  if (checks.database === 'ok') {
    try {
      const pending = await within(timeoutMs, db.showMigrations());
      if (pending) checks.migrations = 'down: pending migrations';
    } catch (error) {
      checks.migrations = error instanceof Timeout ? 'unknown: timeout' : 'unknown: could not read';
      errors.migrations = error;
    }
  } else {
    checks.migrations = 'unknown: database down';
  }
  const redis = bus.status();
  checks.redis = redis === 'none' ? 'not configured' : redis === 'ready' ? 'ok' : `down: ${redis}`;
  const ready = Object.values(checks).every((check) => check === 'ok' || check === 'not configured');
  return { ready, checks, errors };
}

/** GET /healthz: the process is up. GET /readyz: it can serve (503 with what is down otherwise). */
export function healthRouter(deps: ReadinessDeps): Router {
  const router = Router();
  let lastReady: boolean | undefined;
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, checks, errors } = await checkReadiness(deps);
    // One line when readiness changes, not one per probe.
    if (ready !== lastReady) {
      if (ready) deps.log.info({ checks }, 'ready');
      else deps.log.warn({ checks, errors: Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, String(e)])) }, 'not ready');
      lastReady = ready;
    }
    const down = Object.entries(checks)
      .filter(([, check]) => check.startsWith('down'))
      .map(([name]) => name);
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(ready ? { status: 'ready', checks } : { status: 'unavailable', down, checks });
  });
  return router;
}
