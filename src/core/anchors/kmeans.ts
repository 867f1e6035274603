// kmean_anchors (upstream utils/autoanchor.py): k-means on whitened label wh for a starting set of anchors, then
// a genetic refinement that keeps mutations which raise the fitness. Upstream draws from numpy / Python / scipy
// random streams; ours come from one seeded Rng, so the anchors differ but the procedure is the same.
import type { Rng } from '../rng';
import { anchorFitness, ratioMetric } from './metric';
import { pyFixed, pyRound } from './pyfmt';

export const PREFIX = 'AutoAnchor: ';

/**
 * scipy.cluster.vq.kmeans(obs, k, iter): `iter` restarts from k distinct random observations, each Lloyd
 * iteration until the mean distortion (Euclidean distance to the nearest centroid) changes by <= thresh; the
 * codebook with the lowest distortion wins. scipy drops centroids that lose all members, after which upstream
 * asks for the random fallback; here such restarts are skipped, so null means no restart kept all k.
 */
export function kmeans(obs: Float64Array, dim: number, k: number, rng: Rng, iter = 30, thresh = 1e-5): Float64Array | null {
  const m = obs.length / dim;
  if (k > m || k < 1) return null;
  let best: Float64Array | null = null;
  let bestDist = Infinity;
  for (let it = 0; it < iter; it++) {
    const book = new Float64Array(k * dim);
    sampleDistinct(m, k, rng).forEach((idx, c) => book.set(obs.subarray(idx * dim, idx * dim + dim), c * dim));
    const dist = lloyd(obs, dim, book, thresh);
    if (dist !== null && dist < bestDist) {
      bestDist = dist;
      best = book;
    }
  }
  return best;
}

/** k distinct indices of [0, m) (a partial Fisher-Yates shuffle). */
function sampleDistinct(m: number, k: number, rng: Rng): number[] {
  const idx = Array.from({ length: m }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(m - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k);
}

/** Refines `book` in place; returns the final mean distortion, or null if a centroid lost all its members. */
function lloyd(obs: Float64Array, dim: number, book: Float64Array, thresh: number): number | null {
  const m = obs.length / dim;
  const k = book.length / dim;
  const code = new Int32Array(m);
  let prev = Infinity;
  for (;;) {
    let total = 0;
    for (let i = 0; i < m; i++) {
      let bd = Infinity;
      let bc = 0;
      for (let c = 0; c < k; c++) {
        let d = 0;
        for (let j = 0; j < dim; j++) d += (obs[i * dim + j] - book[c * dim + j]) ** 2;
        if (d < bd) { bd = d; bc = c; }
      }
      code[i] = bc;
      total += Math.sqrt(bd);
    }
    const avg = total / m;
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let i = 0; i < m; i++) {
      counts[code[i]]++;
      for (let j = 0; j < dim; j++) sums[code[i] * dim + j] += obs[i * dim + j];
    }
    if (counts.some((c) => c === 0)) return null;
    for (let c = 0; c < k; c++) for (let j = 0; j < dim; j++) book[c * dim + j] = sums[c * dim + j] / counts[c];
    if (Math.abs(prev - avg) <= thresh) return avg;
    prev = avg;
  }
}

export interface KmeanOptions {
  /** number of anchors */
  n?: number;
  imgSize?: number;
  /** hyp anchor_t */
  anchorT?: number;
  /** GA generations */
  gen?: number;
  rng: Rng;
  /** log each improvement, as upstream's verbose=True */
  verbose?: boolean;
}

export interface KmeanResult {
  /** (n, 2) pixels, sorted small to large by area, float32 */
  anchors: Float32Array;
  /** GA fitness of the result on the filtered labels */
  fitness: number;
  lines: string[];
}

/**
 * kmean_anchors(dataset, n, img_size, thr, gen): `wh0` (N*2, pixels at training size, no augmentation scale) are
 * all labels; k-means and the GA use those with a side >= 2 px.
 */
export function kmeanAnchors(wh0: Float32Array, { n = 9, imgSize = 640, anchorT = 4.0, gen = 1000, rng, verbose = false }: KmeanOptions): KmeanResult {
  const lines: string[] = [];
  const N0 = wh0.length / 2;
  let tiny = 0;
  for (let i = 0; i < N0; i++) if (wh0[2 * i] < 3.0 || wh0[2 * i + 1] < 3.0) tiny++;
  if (tiny) lines.push(`${PREFIX}WARNING ⚠️ Extremely small objects found: ${tiny} of ${N0} labels are <3 pixels in size`);
  const kept: number[] = [];
  for (let i = 0; i < N0; i++) if (wh0[2 * i] >= 2.0 || wh0[2 * i + 1] >= 2.0) kept.push(wh0[2 * i], wh0[2 * i + 1]);
  const wh = Float32Array.from(kept);
  const N = wh.length / 2;

  lines.push(`${PREFIX}Running kmeans for ${n} anchors on ${N} points...`);
  let k: Float64Array | null = null;
  if (n <= N) {
    const s = std2(wh); // sigmas for whitening
    if (s[0] > 0 && s[1] > 0) {
      const white = new Float64Array(N * 2);
      for (let i = 0; i < N; i++) { white[2 * i] = wh[2 * i] / s[0]; white[2 * i + 1] = wh[2 * i + 1] / s[1]; }
      k = kmeans(white, 2, n, rng, 30);
      if (k) for (let i = 0; i < n; i++) { k[2 * i] *= s[0]; k[2 * i + 1] *= s[1]; }
    }
  }
  if (!k) {
    lines.push(`${PREFIX}WARNING ⚠️ switching strategies from kmeans to random init`);
    const r = Array.from({ length: 2 * n }, () => rng.next()).sort((a, b) => a - b);
    k = Float64Array.from(r, (v) => v * imgSize);
  }
  let best: Float64Array = sortByArea(k);

  // Genetic refinement: mutate every coordinate with probability mp by a factor ~ 1 + N(0, 1) * U(0, 1) * sigma.
  let f = anchorFitness(wh, best, anchorT);
  const mp = 0.9;
  const sigma = 0.1;
  for (let g = 0; g < gen; g++) {
    const v = new Float64Array(2 * n).fill(1);
    while (v.every((x) => x === 1)) {
      const mask = Array.from({ length: 2 * n }, () => rng.next() < mp);
      const r = rng.next();
      for (let i = 0; i < 2 * n; i++) {
        const z = rng.normal();
        v[i] = Math.min(Math.max((mask[i] ? 1 : 0) * r * z * sigma + 1, 0.3), 3.0);
      }
    }
    const kg = Float64Array.from(best, (x, i) => Math.max(x * v[i], 2.0));
    const fg = anchorFitness(wh, kg, anchorT);
    if (fg > f) {
      f = fg;
      best = kg;
      if (verbose) lines.push(...resultLines(best, wh0, n, imgSize, anchorT));
    }
  }
  lines.push(`${PREFIX}Evolving anchors with Genetic Algorithm: fitness = ${pyFixed(f, 4)}`);
  best = sortByArea(best);
  lines.push(...resultLines(best, wh0, n, imgSize, anchorT));
  return { anchors: Float32Array.from(best), fitness: f, lines };
}

/** numpy std (ddof 0) of each column of an (N, 2) array. */
function std2(wh: Float32Array): [number, number] {
  const N = wh.length / 2;
  const out: [number, number] = [0, 0];
  for (let j = 0; j < 2; j++) {
    let mean = 0;
    for (let i = 0; i < N; i++) mean += wh[2 * i + j];
    mean /= N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += (wh[2 * i + j] - mean) ** 2;
    out[j] = Math.sqrt(ss / N);
  }
  return out;
}

function sortByArea(k: Float64Array): Float64Array {
  const n = k.length / 2;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => k[2 * a] * k[2 * a + 1] - k[2 * b] * k[2 * b + 1]);
  return Float64Array.from(order.flatMap((i) => [k[2 * i], k[2 * i + 1]]));
}

/** Upstream print_results: recall and metric summary over all labels, then the anchors rounded to integers. */
export function resultLines(k: ArrayLike<number>, wh0: Float32Array, n: number, imgSize: number, anchorT: number): string[] {
  const thr = Math.fround(1 / anchorT);
  const { x, best } = ratioMetric(wh0, k);
  let recalled = 0;
  let bestSum = 0;
  for (let i = 0; i < best.length; i++) { bestSum += best[i]; if (best[i] > thr) recalled++; }
  let above = 0;
  let xSum = 0;
  let pastSum = 0;
  for (let i = 0; i < x.length; i++) {
    xSum += x[i];
    if (x[i] > thr) { above++; pastSum += x[i]; }
  }
  const bpr = recalled / best.length;
  const aat = (above / x.length) * n;
  const pairs: string[] = [];
  for (let i = 0; i < k.length; i += 2) pairs.push(`${pyRound(k[i])},${pyRound(k[i + 1])}`);
  return [
    `${PREFIX}thr=${pyFixed(thr, 2)}: ${pyFixed(bpr, 4)} best possible recall, ${pyFixed(aat, 2)} anchors past thr`,
    `${PREFIX}n=${n}, img_size=${imgSize}, metric_all=${pyFixed(xSum / x.length, 3)}/${pyFixed(bestSum / best.length, 3)}-mean/best, `
      + `past_thr=${pyFixed(above ? pastSum / above : NaN, 3)}-mean: ${pairs.join(', ')}`,
  ];
}
