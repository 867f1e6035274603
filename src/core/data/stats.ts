// Label statistics: what upstream's labels.jpg plots (instances per class, box centres x-y and sizes w-h), as numbers
// for the UI to draw, plus images per class.
import type { SplitName } from './dataYaml';
import { SPLITS } from './formats/types';
import type { VerifiedDataset } from './verify';

export interface ClassStats {
  id: number;
  name: string;
  /** Boxes of this class. */
  instances: number;
  /** Images with at least one box of this class. */
  images: number;
}

export interface LabelStats {
  images: number;
  backgrounds: number;
  instances: number;
  perClass: ClassStats[];
  /** (n, 5) float32 [cls, x, y, w, h], normalized: every box, the raw data behind labels.jpg. */
  boxes: Float32Array;
  /** Bins per axis of the histograms below, over [0, 1]. */
  bins: number;
  /** 1-D histograms of box centre x, centre y, width, height. */
  hist: { x: Uint32Array; y: Uint32Array; w: Uint32Array; h: Uint32Array };
  /** 2-D histograms, (bins, bins) row-major [yBin * bins + xBin]: centres (x across, y down), sizes (w across, h down). */
  xy: Uint32Array;
  wh: Uint32Array;
}

/** Upstream's labels.jpg uses 50 bins for its 2-D histograms. */
export const STATS_BINS = 50;

export function labelStats(images: ReadonlyArray<{ labels: Float32Array }>, names: readonly string[], bins = STATS_BINS): LabelStats {
  const nc = names.length;
  const instances = new Array<number>(nc).fill(0);
  const imagesWith = new Array<number>(nc).fill(0);
  let total = 0;
  let backgrounds = 0;
  for (const im of images) total += im.labels.length / 5;
  const boxes = new Float32Array(total * 5);
  const hist = { x: new Uint32Array(bins), y: new Uint32Array(bins), w: new Uint32Array(bins), h: new Uint32Array(bins) };
  const xy = new Uint32Array(bins * bins);
  const wh = new Uint32Array(bins * bins);
  const bin = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
  let o = 0;
  for (const im of images) {
    const lb = im.labels;
    if (!lb.length) backgrounds++;
    const seen = new Set<number>();
    for (let k = 0; k < lb.length; k += 5) {
      const c = lb[k];
      if (c < nc) {
        instances[c]++;
        seen.add(c);
      }
      const bx = bin(lb[k + 1]);
      const by = bin(lb[k + 2]);
      const bw = bin(lb[k + 3]);
      const bh = bin(lb[k + 4]);
      hist.x[bx]++;
      hist.y[by]++;
      hist.w[bw]++;
      hist.h[bh]++;
      xy[by * bins + bx]++;
      wh[bh * bins + bw]++;
    }
    for (const c of seen) imagesWith[c]++;
    boxes.set(lb, o);
    o += lb.length;
  }
  return {
    images: images.length,
    backgrounds,
    instances: total,
    perClass: names.map((name, id) => ({ id, name, instances: instances[id], images: imagesWith[id] })),
    boxes,
    bins,
    hist,
    xy,
    wh,
  };
}

/** labelStats of each split of a verified dataset. */
export function datasetStats(ds: VerifiedDataset, bins = STATS_BINS): Partial<Record<SplitName, LabelStats>> {
  const out: Partial<Record<SplitName, LabelStats>> = {};
  for (const s of SPLITS) {
    const images = ds.splits[s];
    if (images) out[s] = labelStats(images, ds.names, bins);
  }
  return out;
}
