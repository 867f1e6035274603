import { describe, expect, it } from 'vitest';
import { labelStats } from '../../../core/data/stats';
import type { ImageRef } from '../../../storage';
import { boxesOf, boxRect, filterByClass, fitContain, pageWindow, thumbSize } from './imagePages';
import { createLimiter } from './limiter';
import { classColor, heatColor } from './palette';
import { problemsWith, readReport } from './reportView';
import { classBars, heatCells, presentSplits, splitStats, storedSplitStats } from './statsView';

const ref = (key: string, labels: number[]): ImageRef => ({ key, path: `images/train/${key}.jpg`, width: 640, height: 480, labels, size: 1, type: 'image/jpeg' });
const names = ['person', 'car', 'dog'];
const train = [
  ref('a', [0, 0.5, 0.5, 0.2, 0.4, 1, 0.1, 0.9, 0.1, 0.1]),
  ref('b', []),
  ref('c', [1, 0.99, 0.01, 1, 0.5, 1, 0.3, 0.3, 0.2, 0.2]),
];

/** The stats the worker stores for a split (importDrop plainStats): typed arrays as number[]. */
function stored(refs: ImageRef[], bins = 4) {
  const s = labelStats(refs.map((r) => ({ labels: Float32Array.from(r.labels) })), names, bins);
  return { images: s.images, backgrounds: s.backgrounds, instances: s.instances, perClass: s.perClass, bins,
    hist: { x: Array.from(s.hist.x), y: Array.from(s.hist.y), w: Array.from(s.hist.w), h: Array.from(s.hist.h) },
    xy: Array.from(s.xy), wh: Array.from(s.wh) };
}

describe('label statistics for the plots', () => {
  it('uses the stored per-split stats as they are', () => {
    const m = { names, splits: { train, val: [] }, stats: { train: stored(train) } };
    const s = splitStats(m, 'train')!;
    expect(s.bins).toBe(4);
    expect(s.images).toBe(3);
    expect(s.backgrounds).toBe(1);
    expect(s.instances).toBe(4);
    expect(s.perClass.map((c) => [c.name, c.instances, c.images])).toEqual([['person', 1, 1], ['car', 3, 2], ['dog', 0, 0]]);
    // Centres: (0.5,0.5) -> bin (2,2); (0.1,0.9) -> (0,3); (0.99,0.01) -> (3,0); (0.3,0.3) -> (1,1). Row-major [y*4+x].
    const cells = heatCells(s.xy, s.bins);
    expect(cells.cells.map((c) => [c.i, c.j, c.count])).toEqual([[3, 0, 1], [1, 1, 1], [2, 2, 1], [0, 3, 1]]);
    expect(cells.total).toBe(4);
    expect(cells.max).toBe(1);
    // Width 1.0 falls in the last bin, not past it.
    expect(heatCells(s.wh, 4).cells.some((c) => c.i === 3 && c.j === 2)).toBe(true);
  });

  it('recomputes a split whose stored stats lack the histograms (the sample stores class counts only)', () => {
    const flat = { images: 3, backgrounds: 1, instances: 4, perClass: stored(train).perClass };
    const m = { names, splits: { train, val: [] }, stats: flat };
    expect(storedSplitStats(flat, 'train', 3)).toBeNull();
    const s = splitStats(m, 'train')!;
    expect(s.bins).toBe(50);
    expect(s.xy.length).toBe(2500);
    expect(s.xy.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.xy[25 * 50 + 25]).toBe(1); // (0.5, 0.5)
    expect(s.perClass[1].instances).toBe(3);
    expect(splitStats(m, 'test')).toBeNull();
  });

  it('refuses stored stats that do not match the dataset', () => {
    const good = stored(train);
    expect(storedSplitStats({ train: { ...good, xy: good.xy.slice(1) } }, 'train', 3)).toBeNull();
    expect(storedSplitStats({ train: good }, 'train', 80)).toBeNull();
    expect(storedSplitStats({ train: { ...good, bins: 0 } }, 'train', 3)).toBeNull();
    expect(storedSplitStats(null, 'train', 3)).toBeNull();
    expect(() => heatCells([1, 2, 3], 2)).toThrow(/3 cells, expected 2x2/);
  });

  it('orders class bars by id or by count, and can hide empty classes', () => {
    const perClass = stored(train).perClass;
    expect(classBars(perClass, 'class').map((b) => b.name)).toEqual(['person', 'car', 'dog']);
    expect(classBars(perClass, 'count').map((b) => b.name)).toEqual(['car', 'person', 'dog']);
    expect(classBars(perClass, 'count', true).map((b) => b.name)).toEqual(['car', 'person']);
    expect(classBars(perClass, 'class')[1].color).toBe(classColor(1));
  });

  it('lists the splits that have images', () => {
    expect(presentSplits({ splits: { train, val: [], test: [train[0]] } })).toEqual(['train', 'test']);
  });
});

describe('colours', () => {
  it('gives 80 classes 80 different colours', () => {
    expect(new Set(Array.from({ length: 80 }, (_, i) => classColor(i))).size).toBe(80);
  });
  it('scales heat by square root, empty cells transparent', () => {
    expect(heatColor(0, 10)).toBe('transparent');
    const alpha = (s: string) => Number(/, ([\d.]+)\)$/.exec(s)![1]);
    expect(alpha(heatColor(10, 10))).toBe(1);
    expect(alpha(heatColor(25, 100))).toBeCloseTo(0.12 + 0.88 * 0.5, 3);
  });
});

describe('image grid', () => {
  it('filters images by class', () => {
    expect(filterByClass(train, null)).toEqual([0, 1, 2]);
    expect(filterByClass(train, 1)).toEqual([0, 2]);
    expect(filterByClass(train, 0)).toEqual([0]);
    expect(filterByClass(train, 2)).toEqual([]);
    // A box coordinate equal to a class id is not mistaken for a class.
    expect(filterByClass([ref('x', [0, 1, 1, 1, 1])], 1)).toEqual([]);
  });

  it('pages the filtered list and clamps a page that no longer exists', () => {
    expect(pageWindow(128, 0, 24)).toEqual({ page: 0, pages: 6, start: 0, end: 24 });
    expect(pageWindow(128, 5, 24)).toEqual({ page: 5, pages: 6, start: 120, end: 128 });
    expect(pageWindow(10, 5, 24)).toEqual({ page: 0, pages: 1, start: 0, end: 10 });
    expect(pageWindow(0, 3, 24)).toEqual({ page: 0, pages: 1, start: 0, end: 0 });
    expect(pageWindow(48, -1, 24).page).toBe(0);
    expect(() => pageWindow(10, 0, 0)).toThrow(/page size/);
  });

  it('places the image letterboxed and its boxes in canvas pixels', () => {
    const img = fitContain(640, 480, 100, 100);
    expect(img).toEqual({ x: 0, y: 12.5, w: 100, h: 75 });
    const [b] = boxesOf(train[0]);
    expect(b).toEqual({ cls: 0, cx: 0.5, cy: 0.5, w: 0.2, h: 0.4 });
    const r = boxRect(b, img);
    expect(r.x).toBeCloseTo(40);
    expect(r.y).toBeCloseTo(12.5 + 0.3 * 75);
    expect(r.w).toBeCloseTo(20);
    expect(r.h).toBeCloseTo(30);
    expect(boxesOf(train[1])).toEqual([]);
  });

  it('decodes thumbnails at their shown size, never enlarged', () => {
    expect(thumbSize(640, 480, 192)).toEqual({ width: 192, height: 144 });
    expect(thumbSize(480, 640, 192)).toEqual({ width: 144, height: 192 });
    expect(thumbSize(100, 50, 192)).toEqual({ width: 100, height: 50 });
    expect(thumbSize(10000, 1, 192)).toEqual({ width: 192, height: 1 });
  });
});

describe('decode limiter', () => {
  it('runs at most n tasks at once, in order, and drops aborted queued tasks', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return i;
    };
    const abort = new AbortController();
    const results = [0, 1, 2, 3, 4].map((i) => limit(task(i), i === 3 ? abort.signal : undefined, `task ${i}`));
    abort.abort();
    const settled = await Promise.allSettled(results);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 4]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[3] as PromiseRejectedResult).reason.name).toBe('AbortError');
    expect((settled[3] as PromiseRejectedResult).reason.message).toBe('task 3 was cancelled');
  });

  it('keeps going after a task fails', async () => {
    const limit = createLimiter(1);
    const bad = limit(() => Promise.reject(new Error('broken jpeg')));
    const good = limit(async () => 7);
    await expect(bad).rejects.toThrow('broken jpeg');
    await expect(good).resolves.toBe(7);
    expect(() => createLimiter(0)).toThrow(/positive integer/);
  });
});

describe('verification report', () => {
  it('reads an import report and filters problems by action', () => {
    const report = {
      splits: { train: { split: 'train', found: 127, missing: 1, empty: 0, corrupt: 1, images: 128, backgrounds: 2, instances: 929, duplicatesRemoved: 0 } },
      problems: [
        { file: 'images/train2017/zz.jpg', code: 'image_corrupt', message: 'cannot decode', action: 'dropped', split: 'train' },
        { file: 'labels/train2017/a.txt', line: 3, code: 'duplicate_labels', message: '1 duplicate removed', action: 'fixed', split: 'train' },
      ],
      blockers: [], blocksTraining: false, notes: ['val split off train'],
    };
    const r = readReport(report);
    expect(r.generated).toBe(false);
    expect(r.splits).toHaveLength(1);
    expect(r.splits[0]).toMatchObject({ split: 'train', found: 127, corrupt: 1, images: 128, instances: 929 });
    expect(r.counts).toEqual({ dropped: 1, fixed: 1, warning: 0 });
    expect(r.notes).toEqual(['val split off train']);
    expect(problemsWith(r.problems, new Set(['dropped'])).map((p) => p.file)).toEqual(['images/train2017/zz.jpg']);
    expect(r.problems[1].line).toBe(3);
  });

  it('reads the sample report and anything malformed without throwing', () => {
    expect(readReport({ generated: true, seed: 0, problems: [] })).toMatchObject({ generated: true, splits: [], problems: [] });
    expect(readReport(undefined)).toMatchObject({ generated: false, problems: [], blockers: [] });
    expect(readReport({ problems: [null, { file: 'x', action: 'odd' }] }).problems).toEqual([{ file: 'x', line: undefined, code: '', message: '', action: 'warning', split: undefined }]);
  });
});
