import Redis from 'ioredis';

/** One person on one ticket page, as they last reported; times are epoch milliseconds. */
export interface ActivityEntry {
  id: string;
  name: string;
  isAdmin: boolean;
  /** Viewing until then, unless they report again. */
  seenUntil: number;
  /** Typing until then (0: not typing). */
  typingUntil: number;
  /** What they type is an internal note. */
  internal: boolean;
}

/** Who is on each ticket's page: shared across instances in Redis, in this process without it. */
export interface ActivityStore {
  /** Stores the entry and returns the one it replaced, if it had not expired. */
  put(ticketId: string, entry: ActivityEntry, now: number): Promise<ActivityEntry | undefined>;
  /** The entries that have not expired. */
  read(ticketId: string, now: number): Promise<ActivityEntry[]>;
  /** Whether the person has an entry on the ticket that has not expired. */
  has(ticketId: string, personId: string, now: number): Promise<boolean>;
  close(): void;
}

const live = (entries: ActivityEntry[], now: number) => entries.filter((entry) => entry.seenUntil > now);

/** A hash per ticket, person → entry; the key expires with its last entry, so idle tickets leave nothing behind. */
class RedisActivityStore implements ActivityStore {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    /** The deployment's REDIS_PREFIX, so that deployments sharing a Redis never see each other's pages. */
    private readonly prefix: string,
  ) {
    this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 200, 2000) });
    this.redis.on('error', () => undefined); // the event bus reports Redis trouble already
  }

  async put(ticketId: string, entry: ActivityEntry, now: number) {
    const key = this.keyOf(ticketId);
    const [[, previous]] = (await this.redis
      .multi()
      .hget(key, entry.id)
      .hset(key, entry.id, JSON.stringify(entry))
      .pexpire(key, Math.max(1, entry.seenUntil - now))
      .exec())! as [unknown, string | null][];
    const earlier = previous ? (JSON.parse(previous) as ActivityEntry) : undefined;
    return earlier && earlier.seenUntil > now ? earlier : undefined;
  }

  async read(ticketId: string, now: number) {
    const all = Object.values(await this.redis.hgetall(this.keyOf(ticketId))).map((value) => JSON.parse(value) as ActivityEntry);
    // Those who left while others stayed would otherwise stay in the hash as long as the ticket is open.
    const gone = all.filter((entry) => entry.seenUntil <= now).map((entry) => entry.id);
    if (gone.length) this.redis.hdel(this.keyOf(ticketId), ...gone).catch(() => undefined);
    return live(all, now);
  }

  async has(ticketId: string, personId: string, now: number) {
    const value = await this.redis.hget(this.keyOf(ticketId), personId);
    return value !== null && (JSON.parse(value) as ActivityEntry).seenUntil > now;
  }

  private keyOf(ticketId: string) {
    return `${this.prefix}activity:${ticketId}`;
  }

  close() {
    this.redis.disconnect();
  }
}

class MemoryActivityStore implements ActivityStore {
  private readonly tickets = new Map<string, Map<string, ActivityEntry>>();

  async put(ticketId: string, entry: ActivityEntry, now: number) {
    const people = this.tickets.get(ticketId) ?? new Map<string, ActivityEntry>();
    this.tickets.set(ticketId, people);
    const previous = people.get(entry.id);
    people.set(entry.id, entry);
    return previous && previous.seenUntil > now ? previous : undefined;
  }

  async read(ticketId: string, now: number) {
    const people = this.tickets.get(ticketId);
    if (!people) return [];
    for (const [id, entry] of people) if (entry.seenUntil <= now) people.delete(id);
    if (!people.size) this.tickets.delete(ticketId);
    return live([...people.values()], now);
  }

  async has(ticketId: string, personId: string, now: number) {
    return (this.tickets.get(ticketId)?.get(personId)?.seenUntil ?? 0) > now;
  }

  close() {}
}

export const createActivityStore = (redisUrl: string | undefined, prefix = ''): ActivityStore =>
  redisUrl ? new RedisActivityStore(redisUrl, prefix) : new MemoryActivityStore();
