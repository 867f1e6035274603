import { describe, expect, it } from 'vitest';
import { curveRows } from './curveData';

const y = (f: (x: number) => number) => Float32Array.from({ length: 101 }, (_, i) => f(i / 100));

describe('curveRows', () => {
  it('one row per x in [0, 1], a column per class line and one for the mean, named by the legend', () => {
    const { rows, series } = curveRows({
      lines: [{ name: 'cat', cls: 0, label: 'cat 0.500', y: y((x) => 1 - x) }, { name: 'dog', cls: 2, label: 'dog 0.250', y: y(() => 0.5) }],
      mean: { name: 'all classes', cls: -1, label: 'all classes 0.375 mAP@0.5', y: y((x) => (1.5 - x) / 2) },
    });
    expect(rows).toHaveLength(101);
    expect(rows[0]).toEqual({ x: 0, c0: 1, c1: 0.5, mean: 0.75 });
    expect(rows[100].x).toBe(1);
    expect(rows[50].c0).toBeCloseTo(0.5, 6);
    expect(series).toEqual([
      { key: 'c0', label: 'cat 0.500', cls: 0, mean: false },
      { key: 'c1', label: 'dog 0.250', cls: 2, mean: false },
      { key: 'mean', label: 'all classes 0.375 mAP@0.5', cls: -1, mean: true },
    ]);
  });

  it('a chart with only the mean line (many classes), and an empty chart', () => {
    const only = curveRows({ lines: [], mean: { name: 'all classes', cls: -1, label: 'all', y: y(() => 0.2) } });
    expect(only.series.map((s) => s.key)).toEqual(['mean']);
    expect(only.rows[7]).toEqual({ x: 0.07, mean: Math.fround(0.2) });
    expect(curveRows({ lines: [], mean: null })).toEqual({ rows: [], series: [] });
  });
});
