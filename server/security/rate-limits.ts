import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createMethodMiddlewareDecorator } from 'type-graphql';
import { isSuperadmin } from '../auth/viewer';
import type { Context } from '../context';

/** What each limit allows: `points` actions per `seconds`. */
const LIMITS = {
  // Sign-in: per client address, and attempts per account (a success starts the count afresh).
  signInPerIp: { points: 100, seconds: 15 * 60 },
  signInPerAccount: { points: 10, seconds: 15 * 60 },
  createTicket: { points: 20, seconds: 60 * 60 },
  customerReply: { points: 30, seconds: 60 },
  // The Lex team answers all day: at least 120 replies a minute (the floor) with room to spare.
  adminReply: { points: 240, seconds: 60 },
  socketConnect: { points: 60, seconds: 60 },
  socketMessage: { points: 600, seconds: 60 },
} as const;
export type LimitName = keyof typeof LIMITS;

// Consecutive failed sign-ins to one account: after the fifth, each failure locks the account for a
// while, doubling from a minute up to an hour (OWASP ASVS 2.2.1 soft lockout).
const FREE_FAILURES = 5;
const lockSeconds = (failures: number) => Math.min(60 * 2 ** (failures - FREE_FAILURES - 1), 3600);

/** Counters are kept per account under a hash of the email: whatever its length, a key stays small. */
const accountKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');

export function rateLimited(retryAfterSeconds: number, what = 'Too many requests'): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return new GraphQLError(`${what}; try again in ${retryAfter} s`, { extensions: { code: 'RATE_LIMITED', retryAfter } });
}

/**
 * The counters behind every limit. With Redis they hold across instances; while Redis is away (or
 * without it) they live in memory, bounded by their expiry, and a limiter failure never blocks the desk.
 */
export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiterAbstract>;
  private readonly failures: RateLimiterAbstract;
  private readonly locks: RateLimiterAbstract;
  private readonly redis?: Redis;

  /** `scale` multiplies every allowance (load tests); the lockout after failed sign-ins stays. */
  constructor(redisUrl: string | undefined, scale = 1) {
    this.redis = redisUrl
      ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 200, 2000) })
      : undefined;
    this.redis?.on('error', () => undefined); // the event bus reports Redis trouble already
    const make = (keyPrefix: string, points: number, duration: number) => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      return this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `rl:${keyPrefix}`, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: memory })
        : memory;
    };
    this.limiters = Object.fromEntries(
      Object.entries(LIMITS).map(([name, { points, seconds }]) => [name, make(name, Math.ceil(points * scale), seconds)]),
    ) as unknown as Record<LimitName, RateLimiterAbstract>;
    this.failures = make('signInFailures', 1_000_000, 24 * 3600);
    this.locks = make('signInLock', 1, 1);
  }

  /** Counts one action against a limit, or refuses it with RATE_LIMITED and when to retry. */
  async consume(name: LimitName, key: string): Promise<void> {
    await this.take(this.limiters[name], key);
  }

  private async take(limiter: RateLimiterAbstract, key: string, what?: string) {
    try {
      await limiter.consume(key);
    } catch (result) {
      if (result instanceof RateLimiterRes) throw rateLimited(result.msBeforeNext / 1000, what);
      // Neither Redis nor memory answered: let the request through rather than stop the desk.
    }
  }

  /**
   * Before checking a password: counts the attempt per address and per account, so that every
   * login of a request counts, aliased or repeated ones too, and refuses a locked account.
   */
  async beforeSignIn(email: string, ip: string): Promise<void> {
    const account = accountKey(email);
    await this.take(this.limiters.signInPerIp, ip, 'Too many sign-in attempts');
    const lock = await this.locks.get(account).catch(() => null);
    if (lock && lock.consumedPoints > 1) throw rateLimited(lock.msBeforeNext / 1000, 'Too many failed sign-ins for this account');
    await this.take(this.limiters.signInPerAccount, account, 'Too many sign-in attempts for this account');
  }

  async signInFailed(email: string): Promise<void> {
    const account = accountKey(email);
    const failures = await this.failures.penalty(account).catch(() => null);
    if (failures && failures.consumedPoints > FREE_FAILURES) {
      await this.locks.block(account, lockSeconds(failures.consumedPoints)).catch(() => undefined);
    }
  }

  async signInSucceeded(email: string): Promise<void> {
    const account = accountKey(email);
    await Promise.all([this.failures.delete(account), this.limiters.signInPerAccount.delete(account)]).catch(() => undefined);
  }

  close() {
    this.redis?.disconnect();
  }
}

/** Limits a mutation per viewer: replies by side, the rest by name. */
export const RateLimited = (name: 'createTicket' | 'reply') =>
  createMethodMiddlewareDecorator<Context>(async ({ context }, next) => {
    const viewer = context.viewer;
    if (viewer) {
      const limit: LimitName = name === 'reply' ? (isSuperadmin(viewer) ? 'adminReply' : 'customerReply') : name;
      await context.services.rateLimits.consume(limit, viewer.id);
    }
    return next();
  });
