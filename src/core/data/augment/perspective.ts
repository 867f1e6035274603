// Upstream's random_perspective: one 3x3 matrix M = T @ S @ R @ P @ C from 8 uniform draws (in upstream's order),
// the image warped with it (affine unless `perspective` is non-zero), and the boxes moved by their 4 corners,
// clipped to the output and kept only if they still look like objects (box_candidates).
import type { Rng } from '../../rng';
import type { RgbImage } from '../image';
import { warpAffine, warpPerspective } from './warp';

export interface PerspectiveParams {
  degrees: number;
  translate: number;
  scale: number;
  shear: number;
  perspective: number;
}

/**
 * The 8 uniform draws, in the order upstream makes them: perspective x, perspective y, angle (deg), scale,
 * shear x (deg), shear y (deg), translation x and y (fractions of the output size).
 */
export type PerspectiveDraws = readonly [number, number, number, number, number, number, number, number];

/** Draw all 8 values (upstream draws them even when a range is 0). */
export function drawPerspective(rng: Rng, p: PerspectiveParams): PerspectiveDraws {
  return [
    rng.uniform(-p.perspective, p.perspective),
    rng.uniform(-p.perspective, p.perspective),
    rng.uniform(-p.degrees, p.degrees),
    rng.uniform(1 - p.scale, 1 + p.scale),
    rng.uniform(-p.shear, p.shear),
    rng.uniform(-p.shear, p.shear),
    rng.uniform(0.5 - p.translate, 0.5 + p.translate),
    rng.uniform(0.5 - p.translate, 0.5 + p.translate),
  ];
}

export interface PerspectiveTransform {
  /** Forward 3x3 matrix, row-major, source pixels -> output pixels. */
  M: Float64Array;
  /** Output size: source size + 2 * border (border is negative for mosaics: the 2s mosaic becomes s). */
  width: number;
  height: number;
}

/** 3x3 row-major product a @ b. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  }
  return out;
}

/**
 * M = T @ S @ R @ P @ C for a source of (height, width) = srcHW and border (y, x) as upstream's (border[0] pads
 * the height). R is cv2.getRotationMatrix2D(angle, center (0, 0), scale).
 */
export function perspectiveMatrix(
  d: PerspectiveDraws,
  srcHW: readonly [number, number],
  border: readonly [number, number] = [0, 0],
): PerspectiveTransform {
  const height = srcHW[0] + border[0] * 2;
  const width = srcHW[1] + border[1] * 2;
  const C = [1, 0, -srcHW[1] / 2, 0, 1, -srcHW[0] / 2, 0, 0, 1];
  const P = [1, 0, 0, 0, 1, 0, d[0], d[1], 1];
  const angle = (d[2] * Math.PI) / 180;
  const alpha = Math.cos(angle) * d[3];
  const beta = Math.sin(angle) * d[3];
  const R = [alpha, beta, 0, -beta, alpha, 0, 0, 0, 1];
  const S = [1, Math.tan((d[4] * Math.PI) / 180), 0, Math.tan((d[5] * Math.PI) / 180), 1, 0, 0, 0, 1];
  const T = [1, 0, d[6] * width, 0, 1, d[7] * height, 0, 0, 1];
  return { M: matmul(matmul(matmul(matmul(T, S), R), P), C), width, height };
}

export interface BoxCandidateOptions {
  /** Minimum width and height after augmentation, pixels. */
  whThr?: number;
  /** Maximum aspect ratio. */
  arThr?: number;
  /** Minimum area ratio after / before. */
  areaThr?: number;
  eps?: number;
}

/**
 * box_candidates(box1, box2): box1 the boxes before augmentation, box2 after, both (4, n) row-major [x1s, y1s, x2s,
 * y2s]. True where box2 is wider and taller than whThr, kept more than areaThr of its area, and is not a sliver.
 */
export function boxCandidates(box1: ArrayLike<number>, box2: ArrayLike<number>, opts: BoxCandidateOptions = {}): boolean[] {
  const n = box1.length / 4;
  if (!Number.isInteger(n) || box2.length !== box1.length) {
    throw new RangeError(`boxCandidates: expected two (4, n) arrays of equal size, got ${box1.length} and ${box2.length} values`);
  }
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const area1 = (box1[2 * n + i] - box1[i]) * (box1[3 * n + i] - box1[n + i]) + (opts.eps ?? 1e-16);
    out.push(isCandidate(area1, box2[2 * n + i] - box2[i], box2[3 * n + i] - box2[n + i], opts));
  }
  return out;
}

/** The test of box_candidates for one box: `area1` is w1*h1 + eps (its precision is the caller's). */
function isCandidate(area1: number, w2: number, h2: number, opts: BoxCandidateOptions): boolean {
  const { whThr = 2, arThr = 100, areaThr = 0.1, eps = 1e-16 } = opts;
  const ar = Math.max(w2 / (h2 + eps), h2 / (w2 + eps));
  return w2 > whThr && h2 > whThr && (w2 * h2) / area1 > areaThr && ar < arThr;
}

const f32 = Math.fround;
const EPS32 = f32(1e-16);

/**
 * Move pixel boxes through M as upstream does: the 4 corners of each box (x1y1, x2y2, x1y2, x2y1) transformed (and
 * divided by w when `perspective`), their min/max clipped to (width, height), then filtered by box_candidates
 * against the source box scaled by `scale` (area_thr 0.1). `targets` is (n, 5) float32 [cls, x1, y1, x2, y2];
 * returns the kept rows, new float32 array.
 */
export function transformBoxes(
  targets: Float32Array,
  M: ArrayLike<number>,
  width: number,
  height: number,
  perspective: boolean,
  scale: number,
): Float32Array {
  const n = targets.length / 5;
  const kept: number[] = [];
  const cx = [0, 0, 0, 0];
  const cy = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = [targets[i * 5 + 1], targets[i * 5 + 2], targets[i * 5 + 3], targets[i * 5 + 4]];
    const xs = [x1, x2, x1, x2];
    const ys = [y1, y2, y2, y1];
    for (let k = 0; k < 4; k++) {
      const x = xs[k] * M[0] + ys[k] * M[1] + M[2];
      const y = xs[k] * M[3] + ys[k] * M[4] + M[5];
      if (perspective) {
        const w = xs[k] * M[6] + ys[k] * M[7] + M[8];
        cx[k] = x / w;
        cy[k] = y / w;
      } else {
        cx[k] = x;
        cy[k] = y;
      }
    }
    const nx1 = clip(Math.min(cx[0], cx[1], cx[2], cx[3]), width);
    const ny1 = clip(Math.min(cy[0], cy[1], cy[2], cy[3]), height);
    const nx2 = clip(Math.max(cx[0], cx[1], cx[2], cx[3]), width);
    const ny2 = clip(Math.max(cy[0], cy[1], cy[2], cy[3]), height);
    // box1 = targets * s is float32 in upstream (a float32 array times a Python float), and so is w1*h1 + eps.
    const w1 = f32(f32(x2 * scale) - f32(x1 * scale));
    const h1 = f32(f32(y2 * scale) - f32(y1 * scale));
    if (isCandidate(f32(f32(w1 * h1) + EPS32), nx2 - nx1, ny2 - ny1, {})) kept.push(targets[i * 5], nx1, ny1, nx2, ny2);
  }
  return Float32Array.from(kept);
}

function clip(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

export interface PerspectivePlan extends PerspectiveTransform {
  draws: PerspectiveDraws;
  /** Whether the image needs warping at all (upstream skips the warp without border and with an identity M). */
  warp: boolean;
  /** cv2.warpPerspective (true) or cv2.warpAffine (false). */
  perspective: boolean;
  /** Kept boxes, (m, 5) float32 [cls, x1, y1, x2, y2] pixels on the output. */
  targets: Float32Array;
}

/**
 * random_perspective's draws and geometry without the pixels: the 8 draws from `rng`, M, the output size and the
 * moved boxes, for a source of (height, width) = srcHW. The GPU path warps from this; randomPerspective below too.
 */
export function planPerspective(
  srcHW: readonly [number, number],
  targets: Float32Array,
  p: PerspectiveParams,
  rng: Rng,
  border: readonly [number, number] = [0, 0],
): PerspectivePlan {
  const draws = drawPerspective(rng, p);
  const { M, width, height } = perspectiveMatrix(draws, srcHW, border);
  const identity = M.every((v, i) => v === (i % 4 === 0 ? 1 : 0));
  const out = targets.length ? transformBoxes(targets, M, width, height, !!p.perspective, draws[3]) : new Float32Array(0);
  return { draws, M, width, height, warp: border[0] !== 0 || border[1] !== 0 || !identity, perspective: !!p.perspective, targets: out };
}

/** The pixel half of random_perspective: `img` warped as `plan` says, or `img` itself when no warp is needed. */
export function applyPerspective(img: RgbImage, plan: PerspectivePlan): RgbImage {
  if (!plan.warp) return img;
  return plan.perspective ? warpPerspective(img, plan.M, plan.width, plan.height) : warpAffine(img, plan.M, plan.width, plan.height);
}

export interface PerspectiveResult {
  /** The warped image; the input image itself when nothing changed (no border, identity matrix), as upstream. */
  image: RgbImage;
  /** Kept boxes, (m, 5) float32 [cls, x1, y1, x2, y2] pixels on `image`. */
  targets: Float32Array;
  draws: PerspectiveDraws;
  M: Float64Array;
}

/**
 * random_perspective(img, targets, degrees, translate, scale, shear, perspective, border) with its 8 draws from
 * `rng`. `border` is (y, x): negative for a mosaic (its 2s canvas becomes s), 0 otherwise.
 */
export function randomPerspective(
  img: RgbImage,
  targets: Float32Array,
  p: PerspectiveParams,
  rng: Rng,
  border: readonly [number, number] = [0, 0],
): PerspectiveResult {
  const plan = planPerspective([img.height, img.width], targets, p, rng, border);
  return { image: applyPerspective(img, plan), targets: plan.targets, draws: plan.draws, M: plan.M };
}
