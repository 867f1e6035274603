// Index sampling for training as train.py does it: image weights from class weights (--image-weights), weighted
// choices with replacement (Python's random.choices), and the multi-scale size draw (--multi-scale).
import type { Rng } from '../../rng';

/**
 * labels_to_class_weights(labels, nc): inverse class frequency over all label rows, empty classes counted as 1,
 * normalized to sum 1, returned as float32 (upstream's torch .float()). `labels` are (n, 5) rows per image.
 */
export function labelsToClassWeights(labels: readonly Float32Array[], nc: number): Float32Array {
  const counts = classCounts(labels, nc);
  const w = new Float64Array(nc);
  let sum = 0;
  for (let c = 0; c < nc; c++) {
    w[c] = 1 / (counts[c] || 1);
    sum += w[c];
  }
  return Float32Array.from(w, (v) => v / sum);
}

/** labels_to_image_weights(labels, nc, class_weights): per image, sum over its labels of its class's weight. */
export function labelsToImageWeights(labels: readonly Float32Array[], nc: number, classWeights: ArrayLike<number>): Float64Array {
  if (classWeights.length !== nc) throw new RangeError(`labelsToImageWeights: ${classWeights.length} class weights for nc=${nc}`);
  return Float64Array.from(labels, (rows) => {
    let s = 0;
    for (let i = 0; i < rows.length; i += 5) s += classWeights[classIndex(rows[i], nc)];
    return s;
  });
}

function classCounts(labels: readonly Float32Array[], nc: number): Float64Array {
  const counts = new Float64Array(nc);
  for (const rows of labels) for (let i = 0; i < rows.length; i += 5) counts[classIndex(rows[i], nc)]++;
  return counts;
}

function classIndex(v: number, nc: number): number {
  const c = Math.trunc(v);
  if (!(c >= 0 && c < nc)) throw new RangeError(`label class ${v} is outside 0..${nc - 1}`);
  return c;
}

/**
 * random.choices(range(n), weights, k): cumulative weights, then for each draw the first index whose cumulative
 * weight exceeds u * total (bisect_right), with Python's clamp to the last index.
 */
export function weightedChoices(rng: Rng, weights: ArrayLike<number>, k: number): Int32Array {
  const n = weights.length;
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weightedChoices: weight ${i} is ${w}`);
    total += w;
    cum[i] = total;
  }
  if (!(total > 0)) throw new RangeError('weightedChoices: total of weights must be greater than zero');
  const out = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    const x = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}

/**
 * train.py --multi-scale: sz = random.randrange(imgsz * 0.5, imgsz * 1.5 + gs) // gs * gs, i.e. a multiple of gs
 * from imgsz/2 (rounded down) to 1.5 imgsz.
 */
export function multiScaleSize(rng: Rng, imgsz: number, gs: number): number {
  const start = imgsz * 0.5;
  if (!Number.isInteger(start) || !Number.isInteger(gs) || gs < 1) {
    throw new RangeError(`multiScaleSize: imgsz/2 and gs must be integers, got imgsz ${imgsz}, gs ${gs}`);
  }
  return Math.floor((start + rng.int(imgsz + gs)) / gs) * gs;
}

/**
 * The batch's new (height, width) for a multi-scale size: sf = sz / max(h, w); each side ceil(side * sf / gs) * gs.
 * null when sf is 1 (upstream leaves the batch alone). Resize the float batch to it with bilinear, half-pixel
 * centres (PyTorch's align_corners=False): tf.image.resizeBilinear(x, shape, false, true).
 */
export function multiScaleShape(sz: number, hw: readonly [number, number], gs: number): [number, number] | null {
  const sf = sz / Math.max(hw[0], hw[1]);
  if (sf === 1) return null;
  return [Math.ceil((hw[0] * sf) / gs) * gs, Math.ceil((hw[1] * sf) / gs) * gs];
}
