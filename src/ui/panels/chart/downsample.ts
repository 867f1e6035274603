// Bounded per-batch series for the live charts. A run of many epochs makes thousands of batch points (the store keeps
// up to 600); recharts' cost grows with the points drawn, and a 300 px wide chart cannot show more than a few hundred
// anyway. So the rows are cut into buckets and each bucket keeps, for every series, the rows holding its smallest and
// largest value: spikes and the jump at each epoch start stay, the flat stretches thin out.
import type { ChartRow } from './scale';

/** At most `max` rows of `rows` (sorted by x), the first and last kept; `rows` itself when it is short enough. */
export function downsampleRows<T extends ChartRow>(rows: readonly T[], keys: readonly string[], max: number): readonly T[] {
  const n = rows.length;
  if (n <= max) return rows;
  const perBucket = 2 * Math.max(1, keys.length);
  const buckets = Math.max(1, Math.floor((max - 2) / perBucket));
  const keep = new Set<number>([0, n - 1]);
  const inner = n - 2; // rows 1 .. n-2 are bucketed
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets); // exclusive
    if (end <= start) continue;
    for (const key of keys) {
      let lo = -1;
      let hi = -1;
      for (let i = start; i < end; i++) {
        const v = (rows[i] as unknown as Record<string, unknown>)[key];
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        if (lo < 0 || v < (rows[lo] as unknown as Record<string, number>)[key]) lo = i;
        if (hi < 0 || v > (rows[hi] as unknown as Record<string, number>)[key]) hi = i;
      }
      if (lo >= 0) keep.add(lo);
      if (hi >= 0) keep.add(hi);
    }
    // A bucket where no series has a number keeps its first row, so the x range stays covered.
    if (!keys.length) keep.add(start);
  }
  return [...keep].sort((a, b) => a - b).map((i) => rows[i]);
}
