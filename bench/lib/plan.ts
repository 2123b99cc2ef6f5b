// How big each part of `npm run bench` is: the full run, and `--quick` (the same parts, reduced).

export interface Plan {
  /** Of the seed's 1M tickets (bench/seed.ts), and the database that holds them. */
  scale: number;
  database: string;
  writeSeconds: number;
  liveCustomers: number;
  /** Replies per second during the live measurement. */
  liveRate: number;
  liveSeconds: number;
  connections: number;
  readIterations: number;
  /** Open ticket pages of the presence part, typing probes per second, and how long probes and closing pages are measured. */
  presencePages: number;
  presenceProbeRate: number;
  presenceSeconds: number;
  /** How long the heartbeats' CPU is measured. */
  presenceCpuSeconds: number;
}

export const FULL: Plan = {
  scale: 1,
  database: 'lex_bench',
  writeSeconds: 20,
  liveCustomers: 10_000,
  liveRate: 500,
  liveSeconds: 30,
  connections: 10_000,
  readIterations: 60,
  presencePages: 2000,
  presenceProbeRate: 20,
  presenceSeconds: 45,
  presenceCpuSeconds: 20,
};
export const QUICK: Plan = {
  scale: 0.02,
  database: 'lex_bench_quick',
  writeSeconds: 3,
  liveCustomers: 200,
  liveRate: 100,
  liveSeconds: 5,
  connections: 1000,
  readIterations: 15,
  presencePages: 200,
  presenceProbeRate: 5,
  presenceSeconds: 40,
  presenceCpuSeconds: 10,
};

/** Writers of the write path, and requests at a time when the parts set up. */
export const CONCURRENCY = 16;
/** Superadmins watching the whole queue in the live path. */
export const ADMIN_WATCHERS = 5;
