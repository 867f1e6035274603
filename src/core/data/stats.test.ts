import { describe, expect, it } from 'vitest';
import { labelStats } from './stats';

describe('labelStats', () => {
  const images = [
    { labels: Float32Array.from([0, 0.15, 0.95, 0.25, 0.35, 0, 0.55, 0.55, 1.0, 1.0]) },
    { labels: Float32Array.from([2, 0.999, 0.0, 0.05, 0.05]) },
    { labels: new Float32Array(0) },
  ];

  it('counts instances and images per class', () => {
    const s = labelStats(images, ['a', 'b', 'c'], 10);
    expect(s).toMatchObject({ images: 3, backgrounds: 1, instances: 3, bins: 10 });
    expect(s.perClass).toEqual([
      { id: 0, name: 'a', instances: 2, images: 1 },
      { id: 1, name: 'b', instances: 0, images: 0 },
      { id: 2, name: 'c', instances: 1, images: 1 },
    ]);
    expect(Array.from(s.boxes)).toEqual(Array.from(Float32Array.from([0, 0.15, 0.95, 0.25, 0.35, 0, 0.55, 0.55, 1, 1, 2, 0.999, 0, 0.05, 0.05])));
  });

  it('bins centres and sizes over [0, 1] (1.0 falls in the last bin)', () => {
    const s = labelStats(images, ['a', 'b', 'c'], 10);
    const nz = (h: Uint32Array) => Object.fromEntries([...h.entries()].filter(([, v]) => v));
    expect(nz(s.hist.x)).toEqual({ 1: 1, 5: 1, 9: 1 });
    expect(nz(s.hist.y)).toEqual({ 0: 1, 5: 1, 9: 1 });
    expect(nz(s.hist.w)).toEqual({ 0: 1, 2: 1, 9: 1 });
    expect(nz(s.hist.h)).toEqual({ 0: 1, 3: 1, 9: 1 });
  });

  it('fills the 2-D histograms row = y bin, column = x bin', () => {
    const s = labelStats(images, ['a', 'b', 'c'], 10);
    expect(s.xy[9 * 10 + 1]).toBe(1); // (x 0.15, y 0.95)
    expect(s.xy[0 * 10 + 9]).toBe(1); // (x 0.999, y 0)
    expect(s.wh[3 * 10 + 2]).toBe(1); // (w 0.25, h 0.35)
    expect(s.xy.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
