// The anchor-fit metric of upstream utils/autoanchor.py, in float32 as torch computes it: for label wh and anchor
// k, r = wh / k, x = min over (w, h) of min(r, 1/r) — how far the worse side is from a perfect ratio; a label can
// be assigned to an anchor when x > 1 / anchor_t.
import type { Rng } from '../rng';

const f32 = Math.fround;

/** One training image as AutoAnchor sees it: its size and its labels. */
export interface AnchorImage {
  /** original image size in pixels (upstream dataset.shapes is (w, h)) */
  width: number;
  height: number;
  /** (n, 5) float32 rows [cls, cx, cy, w, h], normalised */
  rows: Float32Array;
}

/**
 * Label wh in pixels at training size: wh * imgsz * shape / max(shape), times a per-image `scale` if given
 * (check_anchors' np.random.uniform(0.9, 1.1) augmentation). Float64 products rounded once to float32, as
 * upstream's numpy product and torch.tensor(...).float().
 */
export function labelWh(images: readonly AnchorImage[], imgsz: number, scales?: ArrayLike<number>): Float32Array {
  const total = images.reduce((n, im) => n + im.rows.length / 5, 0);
  const out = new Float32Array(total * 2);
  let o = 0;
  images.forEach((im, i) => {
    const m = Math.max(im.width, im.height);
    const s = scales ? scales[i] : 1;
    const sw = scales ? ((imgsz * im.width) / m) * s : (imgsz * im.width) / m;
    const sh = scales ? ((imgsz * im.height) / m) * s : (imgsz * im.height) / m;
    for (let r = 0; r < im.rows.length; r += 5) {
      out[o++] = im.rows[r + 3] * sw;
      out[o++] = im.rows[r + 4] * sh;
    }
  });
  return out;
}

/** check_anchors' augmentation: one uniform(0.9, 1.1) draw per image. */
export function jitterScales(n: number, rng: Rng): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = rng.uniform(0.9, 1.1);
  return s;
}

/**
 * The (N, n) ratio matrix x and each label's best x. `wh` (N*2) and `anchors` (n*2) are pixels; all values are
 * float32 roundings as in torch (r = wh / k in float32, 1 / r in float32). `withX: false` skips the matrix (the GA
 * only needs best, a thousand times).
 */
export function ratioMetric(wh: ArrayLike<number>, anchors: ArrayLike<number>, withX = true): { x: Float32Array; best: Float32Array } {
  const N = wh.length / 2;
  const n = anchors.length / 2;
  const x = new Float32Array(withX ? N * n : 0);
  const best = new Float32Array(N);
  const k = Float32Array.from(anchors);
  for (let i = 0; i < N; i++) {
    const w = f32(wh[2 * i]);
    const h = f32(wh[2 * i + 1]);
    let b = -Infinity;
    for (let a = 0; a < n; a++) {
      const rw = f32(w / k[2 * a]);
      const rh = f32(h / k[2 * a + 1]);
      const v = Math.min(Math.min(rw, f32(1 / rw)), Math.min(rh, f32(1 / rh)));
      if (withX) x[i * n + a] = v;
      if (v > b || Number.isNaN(v)) b = v;
    }
    best[i] = b;
  }
  return { x, best };
}

/** check_anchors' metric: BPR = share of labels whose best anchor passes; aat = passing anchors per label. */
export function anchorMetric(wh: ArrayLike<number>, anchors: ArrayLike<number>, anchorT: number): { bpr: number; aat: number } {
  const thr = f32(1 / anchorT);
  const { x, best } = ratioMetric(wh, anchors);
  const N = best.length;
  let above = 0;
  for (let i = 0; i < x.length; i++) if (x[i] > thr) above++;
  let recalled = 0;
  for (let i = 0; i < N; i++) if (best[i] > thr) recalled++;
  // torch: (...).float().sum(1).mean() and (...).float().mean(): integer sums, one float32 division.
  return { bpr: f32(recalled / N), aat: f32(above / N) };
}

/** kmean_anchors' GA fitness: mean over labels of best x, counting only labels whose best x passes 1 / anchor_t. */
export function anchorFitness(wh: ArrayLike<number>, anchors: ArrayLike<number>, anchorT: number): number {
  const thr = f32(1 / anchorT);
  const { best } = ratioMetric(wh, anchors, false);
  let sum = 0;
  for (let i = 0; i < best.length; i++) if (best[i] > thr) sum += best[i];
  return sum / best.length;
}
