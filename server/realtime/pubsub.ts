import { EventEmitter } from 'node:events';
import { PubSub as InProcessPubSub, PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import Redis from 'ioredis';
import type { PubSub } from 'type-graphql';
import type { Topic } from './topics';

/** TypeGraphQL's PubSub, plus streams that are live before they are handed out. */
export interface EventBus extends PubSub {
  /** Never waits for an unreachable Redis: a publish during an outage fails at once. */
  publish<T>(topic: Topic<T>, payload: T): Promise<void>;
  subscribe<T>(topic: Topic<T>): AsyncIterableIterator<T>;
  /** Resolves once the subscription is live, so that everything published afterwards arrives. */
  stream<T>(topic: Topic<T>): Promise<AsyncIterableIterator<T>>;
  close(): Promise<void>;
  /** For the readiness probe: `none` without Redis, `ready` when both connections are, else ioredis' state. */
  status(): 'none' | 'ready' | string;
}

// Payloads cross Redis as JSON; these keys come back as dates.
const DATE_KEYS = new Set(['createdAt', 'updatedAt', 'closedAt', 'asOf']);
const reviver = (key: string, value: unknown) => (DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : value);

/**
 * In-process without `redisUrl`; else Redis pub/sub, every channel named `<prefix>:<topic>`: Redis
 * channels ignore database numbers, and the prefix keeps deployments sharing one Redis apart.
 */
export function createEventBus(redisUrl: string | undefined, log: (message: string) => void, prefix = ''): EventBus {
  if (!redisUrl) {
    // Every superadmin's socket listens on `admins`: many listeners on one topic are expected.
    const emitter = new EventEmitter().setMaxListeners(0);
    return new EngineBus(
      new InProcessPubSub({ eventEmitter: emitter }),
      async () => undefined,
      () => 'none',
    );
  }
  const publisher = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // The subscriber queues its SUBSCRIBEs while Redis is away and re-subscribes when it is back.
  const subscriber = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  for (const [name, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    client.on('error', (error: Error) => {
      if (!down) log(`redis ${name}: ${error.message}`);
      down = true;
    });
    client.on('ready', () => {
      if (down) log(`redis ${name}: connected again`);
      down = false;
    });
  }
  const engine = new RedisPubSub({ publisher, subscriber, reviver });
  return new EngineBus(
    engine,
    async () => {
      // QUIT lets commands in flight (such as a last UNSUBSCRIBE) finish instead of failing unhandled;
      // a Redis that does not answer within a second is simply dropped.
      const quit = (client: Redis) =>
        Promise.race([client.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]).finally(() =>
          client.disconnect(),
        );
      await Promise.all([quit(publisher), quit(subscriber)]);
    },
    () =>
      publisher.status === 'ready' && subscriber.status === 'ready'
        ? 'ready'
        : publisher.status === 'ready'
          ? subscriber.status
          : publisher.status,
    prefix ? `${prefix}:` : '',
  );
}

class EngineBus implements EventBus {
  constructor(
    private readonly engine: PubSubEngine,
    private readonly closeEngine: () => Promise<void>,
    readonly status: () => 'none' | 'ready' | string,
    private readonly channelPrefix = '',
  ) {}

  publish<T>(topic: Topic<T>, payload: T): Promise<void> {
    return this.engine.publish(this.channelPrefix + topic, payload);
  }

  subscribe<T>(topic: Topic<T>): AsyncIterableIterator<T> {
    return this.engine.asyncIterableIterator<T>(this.channelPrefix + topic);
  }

  async stream<T>(topic: Topic<T>): Promise<AsyncIterableIterator<T>> {
    const buffered: T[] = [];
    const waiting: ((result: IteratorResult<T>) => void)[] = [];
    let open = true;
    const subscriptionId = await this.engine.subscribe(
      this.channelPrefix + topic,
      (payload: T) => {
        const reader = waiting.shift();
        if (reader) reader({ value: payload, done: false });
        else buffered.push(payload);
      },
      {},
    );
    const end = async (): Promise<IteratorResult<T>> => {
      if (open) {
        open = false;
        this.engine.unsubscribe(subscriptionId);
        for (const reader of waiting.splice(0)) reader({ value: undefined, done: true });
        buffered.length = 0;
      }
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (buffered.length) return Promise.resolve({ value: buffered.shift() as T, done: false });
        if (!open) return end();
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: end,
      throw: async (error) => {
        await end();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  close() {
    return this.closeEngine();
  }
}
