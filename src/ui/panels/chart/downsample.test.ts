import { describe, expect, it } from 'vitest';
import { downsampleRows } from './downsample';

// The running mean of an epoch as the per-batch loss chart draws it: it settles within each epoch and jumps at the
// next epoch's first batch.
function lossRows(epochs: number, nb: number) {
  const rows: { x: number; box: number; obj: number }[] = [];
  for (let e = 0; e < epochs; e++) {
    for (let b = 0; b < nb; b++) rows.push({ x: e + (b + 1) / nb, box: 0.1 - 0.01 * e + 0.02 / (b + 1), obj: 0.05 + 0.001 * Math.sin(b) });
  }
  return rows;
}

describe('downsampleRows', () => {
  it('returns short series as they are (the same array: memoised charts see no change)', () => {
    const rows = lossRows(2, 16);
    expect(downsampleRows(rows, ['box', 'obj'], 200)).toBe(rows);
  });

  it('bounds long series, keeps their ends, order, and every series\' extremes and epoch-start jumps', () => {
    const rows = lossRows(30, 100);
    const out = downsampleRows(rows, ['box', 'obj'], 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.length).toBeGreaterThan(100);
    expect(out[0]).toBe(rows[0]);
    expect(out.at(-1)).toBe(rows.at(-1));
    for (let i = 1; i < out.length; i++) expect(out[i].x).toBeGreaterThan(out[i - 1].x);
    for (const key of ['box', 'obj'] as const) {
      const all = rows.map((r) => r[key]);
      const kept = out.map((r) => r[key]);
      expect(Math.max(...kept)).toBe(Math.max(...all));
      expect(Math.min(...kept)).toBe(Math.min(...all));
    }
    // The first batch of every epoch is that epoch's peak of box: each one survives where buckets are finer than epochs.
    const firsts = rows.filter((_, i) => i % 100 === 0);
    expect(firsts.filter((r) => out.includes(r)).length).toBe(30);
  });

  it('skips non-numbers and keeps a bound with many series', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ x: i, a: i % 7 === 0 ? NaN : Math.sin(i / 50), b: i, c: -i, d: i % 3 }));
    const out = downsampleRows(rows, ['a', 'b', 'c', 'd'], 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out.every((r) => rows.includes(r))).toBe(true);
    expect(Math.max(...out.map((r) => r.a).filter(Number.isFinite))).toBeCloseTo(1, 3);
  });
});
