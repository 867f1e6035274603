// check_anchors (upstream utils/autoanchor.py): measure how well the model's anchors fit the training labels and,
// if the best possible recall is 0.98 or less, replace them with kmean_anchors' when those recall more.
import type { Rng } from '../rng';
import { kmeanAnchors, PREFIX } from './kmeans';
import { anchorMetric, jitterScales, labelWh, type AnchorImage } from './metric';
import { pyFixed } from './pyfmt';

/** Upstream recomputes anchors when BPR <= this. */
export const BPR_THRESHOLD = 0.98;

/**
 * check_anchor_order: mean anchor area per level must grow with stride; if it shrinks, the levels are reversed.
 * `anchors` is (nl, na, 2) flat in any unit; returns a new array and whether it was flipped.
 */
export function checkAnchorOrder(anchors: Float32Array, stride: readonly number[]): { anchors: Float32Array; reversed: boolean } {
  const nl = stride.length;
  const per = anchors.length / nl; // na * 2
  const area = (l: number): number => {
    let s = 0;
    for (let j = 0; j < per; j += 2) s += Math.fround(anchors[l * per + j] * anchors[l * per + j + 1]);
    return s / (per / 2);
  };
  const da = area(nl - 1) - area(0);
  const ds = stride[nl - 1] - stride[0];
  if (da !== 0 && Math.sign(da) !== Math.sign(ds)) {
    const out = new Float32Array(anchors.length);
    for (let l = 0; l < nl; l++) out.set(anchors.subarray((nl - 1 - l) * per, (nl - l) * per), l * per);
    return { anchors: out, reversed: true };
  }
  return { anchors: Float32Array.from(anchors), reversed: false };
}

export interface CheckAnchorsOptions {
  images: readonly AnchorImage[];
  /** the model's Detect anchors, (nl, na, 2) flat in grid units (YoloModel.detect.anchors.values) */
  anchors: Float32Array;
  stride: readonly number[];
  /** hyp anchor_t */
  anchorT: number;
  imgsz: number;
  /**
   * Draws the per-image 0.9-1.1 scale jitter and the k-means / GA randomness. `jitter: false` measures the labels
   * unscaled (deterministic; the metric then equals upstream's exactly on the same labels).
   */
  rng: Rng;
  jitter?: boolean;
  /** GA generations, 1000 upstream */
  gen?: number;
}

export interface CheckAnchorsResult {
  bpr: number;
  /** anchors above threshold per label */
  aat: number;
  /** new (nl, na, 2) grid-unit anchors to write into the model, or null to keep the current ones */
  anchors: Float32Array | null;
  /** BPR of the k-means anchors, when they were computed */
  newBpr: number | null;
  /** upstream's log lines; the first starts with '\n' as upstream's does */
  lines: string[];
}

/** check_anchors' first log line (it starts with a newline, as upstream's). */
export function anchorFitLine(aat: number, bpr: number): string {
  const head = `\n${PREFIX}${pyFixed(aat, 2)} anchors/target, ${pyFixed(bpr, 3)} Best Possible Recall (BPR). `;
  return bpr > BPR_THRESHOLD
    ? `${head}Current anchors are a good fit to dataset ✅`
    : `${head}Anchors are a poor fit to dataset ⚠️, attempting to improve...`;
}

/**
 * Upstream check_anchors. Writing the result is the caller's: `model.detect.anchors.values.set(result.anchors)`.
 * (Upstream then rounds the whole model through fp16 with model.half().float() when not resuming.)
 */
export function checkAnchors(o: CheckAnchorsOptions): CheckAnchorsResult {
  const scales = o.jitter === false ? undefined : jitterScales(o.images.length, o.rng);
  const wh = labelWh(o.images, o.imgsz, scales);
  const nl = o.stride.length;
  const per = o.anchors.length / nl;
  // Grid units -> pixels (float32 product, as torch's anchors * stride).
  const px = Float32Array.from(o.anchors, (a, i) => a * o.stride[Math.floor(i / per)]);
  const { bpr, aat } = anchorMetric(wh, px, o.anchorT);
  const lines = [anchorFitLine(aat, bpr)];
  if (bpr > BPR_THRESHOLD) return { bpr, aat, anchors: null, newBpr: null, lines };
  const na = o.anchors.length / 2;
  // kmean_anchors measures the labels without the scale jitter.
  const km = kmeanAnchors(labelWh(o.images, o.imgsz), { n: na, imgSize: o.imgsz, anchorT: o.anchorT, gen: o.gen ?? 1000, rng: o.rng });
  lines.push(...km.lines);
  const newBpr = anchorMetric(wh, km.anchors, o.anchorT).bpr;
  if (!(newBpr > bpr)) {
    lines.push(`${PREFIX}Done ⚠️ (original anchors better than new anchors, proceeding with original anchors)`);
    return { bpr, aat, anchors: null, newBpr, lines };
  }
  const ordered = checkAnchorOrder(km.anchors, o.stride);
  if (ordered.reversed) lines.push(`${PREFIX}Reversing anchor order`);
  const grid = Float32Array.from(ordered.anchors, (a, i) => a / o.stride[Math.floor(i / per)]);
  lines.push(`${PREFIX}Done ✅ (optional: update model *.yaml to use these anchors in the future)`);
  return { bpr, aat, anchors: grid, newBpr, lines };
}
