import { describe, expect, it } from 'vitest';
import { hypPreset } from '../core/config/hyps';
import { fromStoredRow, toStoredRow } from '../protocol/metrics';
import { DEFAULT_OPTIONS } from './store/configSlice';
import { runShape, settingProblems } from './validation';

const dataset = { id: 'd', name: 'shapes', createdAt: 0, nc: 3, images: { train: 64, val: 16, test: 0 }, bytes: 1 };
const hyp = hypPreset('scratch-low');

describe('settings problems', () => {
  it('the defaults on the sample dataset can train', () => {
    expect(settingProblems(DEFAULT_OPTIONS, hyp, dataset, false).filter((p) => p.level === 'error')).toEqual([]);
  });

  it('explain what blocks training, next to the field it is about', () => {
    const keys = (o: object, h = hyp, d: typeof dataset | null = dataset) =>
      settingProblems({ ...DEFAULT_OPTIONS, ...o }, h, d ?? undefined, false).filter((p) => p.level === 'error').map((p) => p.key);
    expect(keys({}, hyp, null)).toEqual(['dataset']);
    expect(keys({ batch_size: 65 })).toEqual(['batch_size']);
    expect(keys({ epochs: 0 })).toEqual(['epochs']);
    expect(keys({ label_smoothing: 1 })).toEqual(['label_smoothing']);
    expect(keys({}, { ...hyp, lr0: -1 })).toEqual(['lr0']);
    expect(keys({}, hyp, { ...dataset, images: { train: 64, val: 0, test: 0 } })).toEqual(['dataset']);
  });

  it('warn about sizes that will be rounded', () => {
    const w = settingProblems({ ...DEFAULT_OPTIONS, imgsz: 100 }, hyp, dataset, false).filter((p) => p.level === 'warning');
    expect(w.map((p) => p.text)).toContain('Image size must be a multiple of 32 and at least 64: 100 will be trained as 128.');
  });
});

describe('run shape', () => {
  it('counts batches, warmup and updates per epoch as train.py does', () => {
    const text = runShape({ ...DEFAULT_OPTIONS, batch_size: 4 }, hyp, 64)!;
    expect(text).toContain('16 batches per epoch');
    expect(text).toContain('Warmup lasts 100 batches (6.3 epochs)');
    expect(text).toContain('once per 64 images');
    expect(text).toContain('about 1 update per epoch');
    expect(text).toContain('not a bug');
    expect(runShape({ ...DEFAULT_OPTIONS, batch_size: 16 }, hyp, 1280)).toContain('about 20 updates per epoch');
    expect(runShape({ ...DEFAULT_OPTIONS, batch_size: 99 }, hyp, 64)).toBeNull();
  });
});

describe('stored metrics rows', () => {
  it('round-trip an epoch row', () => {
    const row = { epoch: 3, train: [1, 2, 3], metrics: [4, 5, 6, 7], val: [8, 9, 10], lr: [11, 12, 13] } as never;
    expect(fromStoredRow(toStoredRow(row))).toEqual(row);
  });
});
