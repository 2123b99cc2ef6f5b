import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createMethodMiddlewareDecorator } from 'type-graphql';
import { isSuperadmin } from '../auth/viewer';
import type { Context } from '../context';

/** What each limit allows: `points` actions per `seconds`. */
const LIMITS = {
  // Sign-in attempts per client address.
  signInPerIp: { points: 100, seconds: 15 * 60 },
  // Failed sign-ins to one account from every address together: the ceiling that still holds when
  // an attacker rotates addresses, high enough that one address alone never reaches it.
  signInFailuresPerAccount: { points: 50, seconds: 60 * 60 },
  // Operations over HTTP per signed-in user (per address for anonymous callers): a person clicks far
  // less; a script that floods the desk with its most expensive allowed query is held to this.
  query: { points: 300, seconds: 60 },
  createTicket: { points: 20, seconds: 60 * 60 },
  customerReply: { points: 30, seconds: 60 },
  // The Lex team answers all day: at least 120 replies a minute (the issue's floor) with room to spare.
  adminReply: { points: 240, seconds: 60 },
  // Files per user: a person attaches a few screenshots a message; a script filling the store is held here.
  upload: { points: 120, seconds: 60 * 60 },
  // Ticket pages report every ~10 s and when typing starts or stops: a person with a few tabs open
  // stays far below; a script flooding the presence of a ticket does not.
  activity: { points: 120, seconds: 60 },
  socketConnect: { points: 60, seconds: 60 },
  socketMessage: { points: 600, seconds: 60 },
} as const;
export type LimitName = keyof typeof LIMITS;

// Consecutive failed sign-ins to one account from one address: after the fifth, each failure locks
// that account for that address for a while, doubling from a minute up to an hour (OWASP ASVS 2.2.1
// soft lockout). Keyed by address too, so that an attacker's guesses never lock out the real user.
const FREE_FAILURES = 5;
const lockSeconds = (failures: number) => Math.min(60 * 2 ** (failures - FREE_FAILURES - 1), 3600);

/**
 * Counters are kept under a hash (whatever its length, a key stays small) of the account's key,
 * which SessionService.findAccount derives from what the database compares, and of the address.
 */
const hashKey = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('base64url');

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

  /**
   * `scale` multiplies every allowance (load tests); the lockout after failed sign-ins stays. Keys
   * in Redis start with `prefix` (REDIS_PREFIX), so that deployments sharing one Redis count apart.
   */
  constructor(redisUrl: string | undefined, scale = 1, prefix = '') {
    this.redis = redisUrl
      ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 200, 2000) })
      : undefined;
    this.redis?.on('error', () => undefined); // the event bus reports Redis trouble already
    const make = (keyPrefix: string, points: number, duration: number) => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration });
      return this.redis
        ? new RateLimiterRedis({
            storeClient: this.redis,
            keyPrefix: `${prefix ? `${prefix}:` : ''}rl:${keyPrefix}`,
            points,
            duration,
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          })
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

  /** Counts a sign-in attempt per address: every login of a request, aliased or repeated ones too. */
  async countSignIn(ip: string): Promise<void> {
    await this.take(this.limiters.signInPerIp, ip, 'Too many sign-in attempts');
  }

  /** Before checking a password: refuses an account locked for this address, or for all of them. */
  async refuseLocked(account: string, ip: string): Promise<void> {
    const [lock, failures] = await Promise.all([
      this.locks.get(hashKey(account, ip)).catch(() => null),
      this.limiters.signInFailuresPerAccount.get(hashKey(account)).catch(() => null),
    ]);
    const locked = lock && lock.consumedPoints > 1 ? lock : failures && failures.remainingPoints <= 0 ? failures : null;
    if (locked) throw rateLimited(locked.msBeforeNext / 1000, 'Too many failed sign-ins for this account');
  }

  async signInFailed(account: string, ip: string): Promise<void> {
    const pair = hashKey(account, ip);
    const [failures] = await Promise.all([
      this.failures.penalty(pair).catch(() => null),
      this.limiters.signInFailuresPerAccount.penalty(hashKey(account)).catch(() => null),
    ]);
    if (failures && failures.consumedPoints > FREE_FAILURES) {
      await this.locks.block(pair, lockSeconds(failures.consumedPoints)).catch(() => undefined);
    }
  }

  /** A success from an address starts its count afresh; the account's ceiling counts on for its hour. */
  async signInSucceeded(account: string, ip: string): Promise<void> {
    await this.failures.delete(hashKey(account, ip)).catch(() => undefined);
  }

  close() {
    this.redis?.disconnect();
  }
}

/** Counts every HTTP operation of a user (anonymous callers: of an address) against the `query` limit. */
export const queryRateLimit: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue: { viewer, ip, services } }) {
        await services.rateLimits.consume('query', viewer ? `user:${viewer.id}` : `ip:${ip}`).catch((error: GraphQLError) => {
          // Refused before execution: Apollo answers such errors with the status they carry.
          throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 429 } } });
        });
      },
    };
  },
};

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
