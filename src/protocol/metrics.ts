// One epoch's results.csv row as stored in IndexedDB (storage keeps flat name -> number rows) and back. Both the
// worker (writing) and the UI (charts, results.csv download) go through these two functions, so the names agree.
import type { EpochRow } from '../core/train/results';

export interface StoredEpochRow {
  epoch: number;
  box: number;
  obj: number;
  cls: number;
  P: number;
  R: number;
  mAP50: number;
  mAP50_95: number;
  valBox: number;
  valObj: number;
  valCls: number;
  lr0: number;
  lr1: number;
  lr2: number;
  [metric: string]: number;
}

export function toStoredRow(r: EpochRow): StoredEpochRow {
  return {
    epoch: r.epoch,
    box: r.train[0], obj: r.train[1], cls: r.train[2],
    P: r.metrics[0], R: r.metrics[1], mAP50: r.metrics[2], mAP50_95: r.metrics[3],
    valBox: r.val[0], valObj: r.val[1], valCls: r.val[2],
    lr0: r.lr[0], lr1: r.lr[1], lr2: r.lr[2],
  };
}

export function fromStoredRow(s: { epoch: number; [metric: string]: number }): EpochRow {
  const g = (k: string): number => (typeof s[k] === 'number' ? s[k] : NaN);
  return {
    epoch: s.epoch,
    train: [g('box'), g('obj'), g('cls')],
    metrics: [g('P'), g('R'), g('mAP50'), g('mAP50_95')],
    val: [g('valBox'), g('valObj'), g('valCls')],
    lr: [g('lr0'), g('lr1'), g('lr2')],
  };
}
