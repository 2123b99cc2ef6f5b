/**
 * Durations as counts in logarithmic buckets (docs/architecture.md §11), so that a day's first-response
 * or resolution times are one small row whatever the number of tickets, and the days of a range add
 * up bucket by bucket. Bucket 0 holds durations under a minute; bucket i ≥ 1 holds [r^(i-1), r^i)
 * minutes with r = HISTOGRAM_RATIO; the last bucket also holds everything longer (about three years).
 * A percentile is read as the geometric middle of its bucket: within 5 % of the true value (under a
 * minute: within half a minute). The database computes the same buckets (support_report_bucket).
 */
export const HISTOGRAM_RATIO = 1.1;
export const HISTOGRAM_BUCKETS = 150;

/** The bucket of `minutes`; the SQL function support_report_bucket is this formula. */
export function bucketOf(minutes: number): number {
  if (minutes < 1) return 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, 1 + Math.floor(Math.log(minutes) / Math.log(HISTOGRAM_RATIO)));
}

/** The value a bucket stands for: the geometric middle of its bounds (half a minute for bucket 0). */
export function bucketValue(bucket: number): number {
  return bucket === 0 ? 0.5 : HISTOGRAM_RATIO ** (bucket - 0.5);
}

/** An empty histogram. */
export const noCounts = () => new Array<number>(HISTOGRAM_BUCKETS).fill(0);

/** Adds `counts` into `total`, bucket by bucket. */
export function addInto(total: number[], counts: readonly number[]): number[] {
  for (let i = 0; i < counts.length; i++) total[i] += counts[i];
  return total;
}

/**
 * The `p`-th percentile (0 < p ≤ 1) by the nearest-rank method: the value of the ⌈p·n⌉-th smallest
 * duration, read from its bucket; null when there are none.
 */
export function percentile(counts: readonly number[], p: number): number | null {
  const n = counts.reduce((sum, c) => sum + c, 0);
  if (n <= 0) return null;
  // (less a rounding error's worth, so that 0.9 × 20 is the 18th)
  const rank = Math.max(1, Math.ceil(p * n - 1e-9));
  let seen = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    seen += counts[bucket];
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(counts.length - 1);
}
