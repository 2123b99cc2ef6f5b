/**
 * At most `limit` tasks per key at once; the others wait their turn, in order. Keyed by session, it
 * keeps one account's flood of operations (many sockets, many subscriptions woken by one event)
 * from taking every database connection that the other tenants need: the flood waits for itself.
 */
export class FairShare {
  private readonly queues = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { running: 0, waiting: [] }));
    if (queue.running < this.limit) queue.running++;
    else await new Promise<void>((resolve) => queue.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // A finished task hands its place to the next in line, or gives it back.
      const next = queue.waiting.shift();
      if (next) next();
      else if (--queue.running === 0) this.queues.delete(key);
    }
  }
}
