import { describe, expect, it } from 'vitest';
import type { EpochRow } from '../../../core/train/results';
import { COMPARE_METRICS, compareData } from './compareData';

const row = (epoch: number, map: number, valBox = 0.05): EpochRow => ({
  epoch, train: [0.1, 0.2, 0.3], metrics: [0.5, 0.4, map * 2, map], val: [valBox, 0.06, 0.07], lr: [0.01, 0.01, 0.01],
});
const metric = (id: string) => COMPARE_METRICS.find((m) => m.id === id)!;

describe('compareData', () => {
  it('one column per run on the shared epochs axis; a shorter run leaves its later epochs out', () => {
    const runs = [
      { id: 'now', name: 'current', rows: [row(0, 0.1), row(1, 0.2)] },
      { id: 'old', name: 'past', rows: [row(0, 0.05), row(1, 0.15), row(2, 0.25)] },
    ];
    expect(compareData(runs, metric('mAP50_95'))).toEqual([
      { x: 1, r0: 0.1, r1: 0.05 },
      { x: 2, r0: 0.2, r1: 0.15 },
      { x: 3, r1: 0.25 },
    ]);
    expect(compareData(runs, metric('mAP50')).map((p) => p.r1)).toEqual([0.1, 0.3, 0.5]);
  });

  it('NaN values (an epoch without validation) are skipped; rows come out in epoch order', () => {
    const runs = [{ id: 'a', name: 'a', rows: [row(2, 0.3, 0.02), row(0, 0.1, NaN), row(1, 0.2, 0.04)] }];
    expect(compareData(runs, metric('valBox'))).toEqual([{ x: 2, r0: 0.04 }, { x: 3, r0: 0.02 }]);
    expect(compareData([], metric('box'))).toEqual([]);
  });

  it('every metric picks its own column', () => {
    const r = row(0, 0.1);
    expect(COMPARE_METRICS.map((m) => m.pick(r))).toEqual([0.1, 0.2, 0.5, 0.4, 0.05, 0.06, 0.07, 0.1, 0.2, 0.3]);
  });
});
