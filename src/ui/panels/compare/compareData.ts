// The compare chart's data: one column per run of the chosen per-epoch metric, rows on the epochs axis (x = epochs
// trained, as the other epoch charts), so runs of different lengths share one x axis.
import type { EpochRow } from '../../../core/train/results';

export interface CompareMetric {
  id: string;
  label: string;
  pick: (r: EpochRow) => number;
}

export const COMPARE_METRICS: readonly CompareMetric[] = [
  { id: 'mAP50_95', label: 'mAP50-95', pick: (r) => r.metrics[3] },
  { id: 'mAP50', label: 'mAP50', pick: (r) => r.metrics[2] },
  { id: 'P', label: 'precision', pick: (r) => r.metrics[0] },
  { id: 'R', label: 'recall', pick: (r) => r.metrics[1] },
  { id: 'valBox', label: 'val box loss', pick: (r) => r.val[0] },
  { id: 'valObj', label: 'val obj loss', pick: (r) => r.val[1] },
  { id: 'valCls', label: 'val cls loss', pick: (r) => r.val[2] },
  { id: 'box', label: 'train box loss', pick: (r) => r.train[0] },
  { id: 'obj', label: 'train obj loss', pick: (r) => r.train[1] },
  { id: 'cls', label: 'train cls loss', pick: (r) => r.train[2] },
];

export interface CompareRun {
  id: string;
  name: string;
  rows: readonly EpochRow[];
}

/** Run i's value sits under key `r<i>`; an epoch a run does not have (or a NaN) is left out, so its line skips it. */
export function compareData(runs: readonly CompareRun[], metric: CompareMetric): { x: number; [key: string]: number }[] {
  const byX = new Map<number, { x: number; [key: string]: number }>();
  runs.forEach((run, i) => {
    for (const row of run.rows) {
      const v = metric.pick(row);
      if (!Number.isFinite(v)) continue;
      const x = row.epoch + 1;
      let point = byX.get(x);
      if (!point) byX.set(x, (point = { x }));
      point[`r${i}`] = v;
    }
  });
  return [...byX.values()].sort((a, b) => a.x - b.x);
}

/** Colours of the compared past runs (the current run is drawn thick in CURRENT_COLOR). */
export const CURRENT_COLOR = '#111827';
const PALETTE = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#0891b2', '#db2777', '#ca8a04', '#64748b'];

export function compareColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}
