import { createHash } from 'node:crypto';
import Redis from 'ioredis';

/** Redis keys of used token ids, next to the rate limits' `rl:` keys (after the deployment's REDIS_PREFIX). */
const KEY_PREFIX = 'sso:jti:';

/**
 * Remembers the `jti` of every sign-in token until the token expires, so that each token signs in
 * once. With Redis the memory is shared by every instance (SET NX with an expiry); without it, it
 * lives in this process (one instance only, like the in-process event bus).
 */
export interface JtiReplayGuard {
  /** True the first time `jti` is seen; false for a replay. Throws when Redis cannot be asked. */
  firstUse(jti: string, rememberMs: number): Promise<boolean>;
  close(): void;
}

// Whatever a token's jti holds, its key stays small and printable.
const keyOf = (jti: string, prefix = '') =>
  `${prefix ? `${prefix}:` : ''}${KEY_PREFIX}${createHash('sha256').update(jti).digest('base64url')}`;

export function createJtiReplayGuard(redisUrl: string | undefined, redisPrefix = ''): JtiReplayGuard {
  return redisUrl ? new RedisJtiGuard(redisUrl, redisPrefix) : new InProcessJtiGuard();
}

class RedisJtiGuard implements JtiReplayGuard {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 200, 2000) });
    this.redis.on('error', () => undefined); // the event bus reports Redis trouble already
  }

  async firstUse(jti: string, rememberMs: number): Promise<boolean> {
    return (await this.redis.set(keyOf(jti, this.prefix), '1', 'PX', Math.max(1, Math.ceil(rememberMs)), 'NX')) === 'OK';
  }

  close() {
    this.redis.disconnect();
  }
}

class InProcessJtiGuard implements JtiReplayGuard {
  /** Key → when it may be forgotten (ms since the epoch). */
  private readonly seen = new Map<string, number>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async firstUse(jti: string, rememberMs: number): Promise<boolean> {
    const key = keyOf(jti);
    const now = Date.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + rememberMs);
    return true;
  }

  close() {
    clearInterval(this.sweeper);
  }

  private sweep() {
    const now = Date.now();
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
  }
}
