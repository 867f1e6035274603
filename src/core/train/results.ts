// results.csv exactly as upstream writes it: a '%20s' header row, then one '%20.5g' row per epoch.
import { formatG } from '../pyformat';

export const RESULTS_KEYS = [
  'train/box_loss', 'train/obj_loss', 'train/cls_loss',
  'metrics/precision', 'metrics/recall', 'metrics/mAP_0.5', 'metrics/mAP_0.5:0.95',
  'val/box_loss', 'val/obj_loss', 'val/cls_loss',
  'x/lr0', 'x/lr1', 'x/lr2',
] as const;

export interface EpochRow {
  epoch: number;
  /** Mean train [box, obj, cls] over the epoch's batches. */
  train: [number, number, number];
  /** P, R, mAP50, mAP50-95 of the EMA model on val. */
  metrics: [number, number, number, number];
  val: [number, number, number];
  /** Learning rates of the three param groups as the epoch ended (before the scheduler step). */
  lr: [number, number, number];
}

export const resultsHeader = (): string => ['epoch', ...RESULTS_KEYS].map((k) => k.padStart(20)).join(',');

export function resultsRow(r: EpochRow): string {
  return [r.epoch, ...r.train, ...r.metrics, ...r.val, ...r.lr].map((v) => formatG(v, 5).padStart(20)).join(',');
}

/** Parse a results.csv (ours or upstream's) into rows, e.g. to chart a run brought back from a cluster. */
export function parseResultsCsv(text: string): EpochRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const header = lines[0].split(',').map((s) => s.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`results.csv: no column '${name}'`);
    return i;
  };
  const idx = ['epoch', ...RESULTS_KEYS].map(col);
  return lines.slice(1).map((line) => {
    const v = line.split(',').map(Number);
    const g = (k: number) => v[idx[k]];
    return {
      epoch: g(0), train: [g(1), g(2), g(3)], metrics: [g(4), g(5), g(6), g(7)], val: [g(8), g(9), g(10)], lr: [g(11), g(12), g(13)],
    };
  });
}
