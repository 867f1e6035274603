import { describe, expect, it } from 'vitest';
import { applyAutoSplit, splitTrainVal } from './split';
import type { DatasetImage, VerifiedDataset } from './verify';

const img = (path: string, classes: number[]): DatasetImage => ({
  path, width: 100, height: 100, format: 'jpeg', orientation: 1,
  labels: Float32Array.from(classes.flatMap((c) => [c, 0.5, 0.5, 0.1, 0.1])),
  ...(classes.length ? { labelFile: path.replace('.jpg', '.txt') } : {}),
});

// 70 images of class 0 only, 20 with classes 0 and 1 (class 1 is rarer: filed under 1), 10 backgrounds
const pool = [
  ...Array.from({ length: 70 }, (_, i) => img(`/a${String(i).padStart(3, '0')}.jpg`, [0])),
  ...Array.from({ length: 20 }, (_, i) => img(`/b${String(i).padStart(3, '0')}.jpg`, [0, 1, 1])),
  ...Array.from({ length: 10 }, (_, i) => img(`/c${String(i).padStart(3, '0')}.jpg`, [])),
];

describe('splitTrainVal', () => {
  it('is stratified by rarest class, with backgrounds as their own group', () => {
    const { train, val } = splitTrainVal(pool, { valFraction: 0.1, seed: 0 });
    expect(train).toHaveLength(90);
    expect(val).toHaveLength(10);
    const kinds = val.map((i) => i.path[1]).sort().join('');
    expect(kinds).toBe('aaaaaaabbc');
    expect(train.map((i) => i.path)).toEqual([...train.map((i) => i.path)].sort());
  });

  it('depends on the seed only, not on the input order', () => {
    const a = splitTrainVal(pool, { seed: 7 }).val.map((i) => i.path);
    const b = splitTrainVal([...pool].reverse(), { seed: 7 }).val.map((i) => i.path);
    const c = splitTrainVal(pool, { seed: 8 }).val.map((i) => i.path);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('honours other ratios and keeps both sides non-empty', () => {
    expect(splitTrainVal(pool, { valFraction: 0.25 }).val).toHaveLength(25);
    expect(splitTrainVal(pool.slice(0, 2), { valFraction: 0.01 })).toMatchObject({ train: [{}], val: [{}] });
    expect(splitTrainVal(pool.slice(0, 3), { valFraction: 0.99 }).train).toHaveLength(1);
    expect(splitTrainVal(pool.slice(0, 1)).val).toEqual([]);
    expect(() => splitTrainVal(pool, { valFraction: 1 })).toThrow('the val fraction must be between 0 and 1 (exclusive), got 1');
  });
});

describe('applyAutoSplit', () => {
  const scanned: VerifiedDataset = {
    name: 'd', format: 'folder', names: ['x', 'y'], notes: [],
    splits: { train: pool },
    report: {
      splits: { train: { split: 'train', scanDir: '/', found: 90, missing: 10, empty: 0, corrupt: 3, images: 100, backgrounds: 10, instances: 130, duplicatesRemoved: 0 } },
      problems: [], blockers: [], blocksTraining: false,
    },
  };

  it('divides the scan counters between train and val, and can be redone with another ratio', () => {
    const ds = applyAutoSplit(scanned, { valFraction: 0.2, seed: 1 });
    const { train, val } = ds.report.splits;
    expect(ds.autoSplit).toEqual({ valFraction: 0.2, seed: 1 });
    expect(val!.images).toBe(20);
    expect(train!.images).toBe(80);
    expect(train!.found + val!.found).toBe(90);
    expect(train!.missing + val!.missing).toBe(10);
    expect(train!.instances + val!.instances).toBe(130);
    expect([train!.corrupt, val!.corrupt]).toEqual([3, 0]);
    const again = applyAutoSplit(ds, { valFraction: 0.1, seed: 1 });
    expect(again.splits.val).toHaveLength(10);
    expect(again.splits.val).toEqual(applyAutoSplit(scanned, { valFraction: 0.1, seed: 1 }).splits.val);
    expect(() => applyAutoSplit({ ...scanned, splits: { train: pool, val: [] } })).toThrow('the dataset has its own val split');
  });
});
