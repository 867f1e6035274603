// Pairwise IoU of two box sets in xyxy, as upstream's `box_iou` computes it in float32 tensors:
// inter = clamp(min(a2, b2) - max(a1, b1), 0).prod, iou = inter / (area1 + area2 - inter + eps).
// Every intermediate is rounded to float32 (Math.fround) in torch's evaluation order, so results are the
// bits torch produces; thresholds compared against them (>= iouv, > 0.45) then decide exactly as upstream.
import { MetricsInputError } from './errors';

const f = Math.fround;

/** A run of boxes inside a larger row-major array: box k is data[offset + k*stride .. +4). */
export interface BoxRows {
  data: ArrayLike<number>;
  rows: number;
  stride: number;
  offset: number;
}

/** Packed (N, 4) xyxy boxes as BoxRows. */
export function packedBoxes(data: ArrayLike<number>, what = 'boxes'): BoxRows {
  if (data.length % 4 !== 0) {
    throw new MetricsInputError('METRICS_SHAPE', `${what}: length ${data.length} is not a multiple of 4 (x1,y1,x2,y2)`);
  }
  return { data, rows: data.length / 4, stride: 4, offset: 0 };
}

/** IoU matrix (N, M) row-major, float32, of the boxes `a` (N) against the boxes `b` (M). */
export function boxIouRows(a: BoxRows, b: BoxRows, eps = 1e-7): Float32Array {
  const e = f(eps);
  const n = a.rows;
  const m = b.rows;
  const out = new Float32Array(n * m);
  // Inputs are read as float32 (upstream's tensors are), B once into a packed copy.
  const bb = new Float32Array(m * 4);
  const areaB = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const o = b.offset + j * b.stride;
    for (let k = 0; k < 4; k++) bb[j * 4 + k] = b.data[o + k];
    areaB[j] = f(f(bb[j * 4 + 2] - bb[j * 4]) * f(bb[j * 4 + 3] - bb[j * 4 + 1]));
  }
  for (let i = 0; i < n; i++) {
    const o = a.offset + i * a.stride;
    const ax1 = f(a.data[o]);
    const ay1 = f(a.data[o + 1]);
    const ax2 = f(a.data[o + 2]);
    const ay2 = f(a.data[o + 3]);
    const areaA = f(f(ax2 - ax1) * f(ay2 - ay1));
    for (let j = 0; j < m; j++) {
      const p = j * 4;
      // torch clamp(0) keeps NaN and so does Math.max: NaN boxes give NaN IoU as upstream.
      const w = Math.max(f(Math.min(ax2, bb[p + 2]) - Math.max(ax1, bb[p])), 0);
      const h = Math.max(f(Math.min(ay2, bb[p + 3]) - Math.max(ay1, bb[p + 1])), 0);
      const inter = f(w * h);
      out[i * m + j] = f(inter / f(f(f(areaA + areaB[j]) - inter) + e));
    }
  }
  return out;
}

/** `box_iou(box1 (N,4), box2 (M,4))` on packed xyxy arrays -> (N, M) row-major float32. */
export function boxIou(box1: ArrayLike<number>, box2: ArrayLike<number>, eps = 1e-7): Float32Array {
  return boxIouRows(packedBoxes(box1, 'box1'), packedBoxes(box2, 'box2'), eps);
}
