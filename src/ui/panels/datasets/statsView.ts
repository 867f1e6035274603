// The stored label statistics of one split, as the plots want them. Imports store per-split stats with histograms
// (worker/importDrop plainStats); the built-in sample stores only class counts for the whole set, so a split without
// complete stored stats is recomputed from the manifest's labels with the same core function.
import { labelStats, STATS_BINS, type ClassStats } from '../../../core/data/stats';
import type { DatasetManifest, SplitName } from '../../../storage';
import { classColor } from './palette';

export interface SplitStats {
  images: number;
  backgrounds: number;
  instances: number;
  perClass: ClassStats[];
  /** Bins per axis over [0, 1]. */
  bins: number;
  /** (bins, bins) row-major [yBin * bins + xBin]: box centres (x across, y down) and sizes (w across, h down). */
  xy: number[];
  wh: number[];
}

type ManifestPart = Pick<DatasetManifest, 'names' | 'splits' | 'stats'>;

const isCounts = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && x >= 0);

/** The stored stats of `split` when they are complete and consistent with `nc` classes, else null. */
export function storedSplitStats(stats: unknown, split: SplitName, nc: number): SplitStats | null {
  const s = (stats as Record<string, unknown> | null | undefined)?.[split] as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return null;
  const bins = s.bins;
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1) return null;
  if (!isCounts(s.xy, bins * bins) || !isCounts(s.wh, bins * bins)) return null;
  const perClass = s.perClass as ClassStats[] | undefined;
  if (!Array.isArray(perClass) || perClass.length !== nc) return null;
  if (typeof s.images !== 'number' || typeof s.instances !== 'number') return null;
  return { images: s.images, backgrounds: Number(s.backgrounds ?? 0), instances: s.instances, perClass, bins, xy: s.xy, wh: s.wh };
}

/** Stats of one split: stored when complete, recomputed from the manifest's labels otherwise; null if no such split. */
export function splitStats(m: ManifestPart, split: SplitName): SplitStats | null {
  const stored = storedSplitStats(m.stats, split, m.names.length);
  if (stored) return stored;
  const refs = m.splits[split];
  if (!refs) return null;
  const s = labelStats(refs.map((r) => ({ labels: Float32Array.from(r.labels) })), m.names, STATS_BINS);
  return {
    images: s.images, backgrounds: s.backgrounds, instances: s.instances, perClass: s.perClass, bins: s.bins,
    xy: Array.from(s.xy), wh: Array.from(s.wh),
  };
}

export interface ClassBar extends ClassStats {
  color: string;
}

/** Bars of the instances-per-class plot: class order (as upstream's labels.jpg) or most instances first. */
export function classBars(perClass: readonly ClassStats[], order: 'class' | 'count', hideEmpty = false): ClassBar[] {
  const bars = perClass.filter((c) => !hideEmpty || c.instances > 0).map((c) => ({ ...c, color: classColor(c.id) }));
  if (order === 'count') bars.sort((a, b) => b.instances - a.instances || a.id - b.id);
  return bars;
}

export interface HeatCell {
  /** Bin indices and the bin's range over [0, 1]. */
  i: number;
  j: number;
  x0: number;
  y0: number;
  size: number;
  count: number;
}

/** Non-empty cells of a (bins, bins) histogram, and the fullest cell's count (for the colour scale). */
export function heatCells(hist: readonly number[], bins: number): { cells: HeatCell[]; max: number; total: number } {
  if (hist.length !== bins * bins) throw new RangeError(`heatCells: histogram has ${hist.length} cells, expected ${bins}x${bins}`);
  const cells: HeatCell[] = [];
  let max = 0;
  let total = 0;
  for (let j = 0; j < bins; j++) {
    for (let i = 0; i < bins; i++) {
      const count = hist[j * bins + i];
      if (!count) continue;
      cells.push({ i, j, x0: i / bins, y0: j / bins, size: 1 / bins, count });
      max = Math.max(max, count);
      total += count;
    }
  }
  return { cells, max, total };
}

/** Splits that have images, in the usual order. */
export function presentSplits(m: Pick<DatasetManifest, 'splits'>): SplitName[] {
  return (['train', 'val', 'test'] as const).filter((s) => (m.splits[s]?.length ?? 0) > 0);
}
