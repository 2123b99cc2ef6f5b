// Percentiles from the report histograms (docs/architecture.md §11): nearest rank, within 5 %.
import { bucketOf, bucketValue, HISTOGRAM_BUCKETS, noCounts, percentile } from '../../server/reports/histogram';

const histogramOf = (minutes: number[]) => {
  const counts = noCounts();
  for (const m of minutes) counts[bucketOf(m)]++;
  return counts;
};

it.each<[number[], number, number | null]>([
  [[], 0.5, null],
  [[10], 0.5, 10],
  [[10, 20, 30], 0.5, 20],
  [[10, 20, 30, 40], 0.5, 20], // the lower middle: the 2nd of 4
  [Array.from({ length: 20 }, (_, i) => (i + 1) * 15), 0.9, 270], // the 18th of 20
  [[1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 0.9, 9],
  [[1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 1, 1000],
])('%j at %p is %p, within 5 %', (minutes, p, exact) => {
  const value = percentile(histogramOf(minutes), p);
  if (exact === null) expect(value).toBeNull();
  else expect(Math.abs(value! - exact) / exact).toBeLessThanOrEqual(0.05);
});

it('keeps under a minute in bucket 0 and everything past three years in the last bucket', () => {
  expect(bucketOf(0)).toBe(0);
  expect(bucketOf(0.99)).toBe(0);
  expect(bucketValue(0)).toBe(0.5);
  expect(bucketOf(1)).toBe(1);
  expect(bucketOf(10 * 525_600)).toBe(HISTOGRAM_BUCKETS - 1);
  // Every bucket's value lies in the bucket itself.
  for (let bucket = 1; bucket < HISTOGRAM_BUCKETS; bucket++) expect(bucketOf(bucketValue(bucket))).toBe(bucket);
});
