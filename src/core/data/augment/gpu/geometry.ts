// The geometric half of a planned sample as tensor ops: mosaic placement, letterbox and random_perspective's warp.
// Pixels stay float32 with integer values 0..255 between stages (each stage rounds as OpenCV's uint8 store does), so
// the CPU path's arithmetic, not just its geometry, carries over to the later stages.
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../../image';
import type { PerspectivePlan } from '../perspective';
import type { LetterboxSource, MosaicSource } from '../plan';
import { invert3x3 } from '../warp';

const FILL = 114;

/** Host images -> (h, w, 3) float32 tensors, each image uploaded once per batch (mosaics reuse tiles). */
export class Uploads {
  private readonly byData = new Map<Uint8Array, tf.Tensor3D>();

  /** The tensor of `img`; created in the caller's tidy scope, so the batch's tidy frees it. */
  get(img: RgbImage): tf.Tensor3D {
    let t = this.byData.get(img.data);
    if (!t) {
      t = tf.tensor3d(new Float32Array(img.data), [img.height, img.width, 3]);
      this.byData.set(img.data, t);
    }
    return t;
  }
}

/** floor(x + 0.5): OpenCV's (sum + 2^(bits-1)) >> bits rounding of its fixed-point results to uint8. */
function roundHalfUp<T extends tf.Tensor>(x: T): T {
  return tf.floor(tf.add(x, 0.5));
}

/**
 * tf.image.transform's 8 parameters for a forward matrix M (source -> output): OpenCV's warps map each output pixel
 * back through M^-1, which is what transform's [a0, a1, a2, b0, b1, b2, c0, c1] (with c2 = 1) describe. A singular
 * M maps every output pixel to source (0, 0), as cv::warpAffine's zero inverse does.
 */
export function transformParams(M: ArrayLike<number>): number[] {
  const inv = invert3x3(M);
  if (!inv || inv[8] === 0 || !inv.every(Number.isFinite)) return [0, 0, 0, 0, 0, 0, 0, 0];
  return inv.slice(0, 8).map((v) => v / inv[8]);
}

/** The sample's flips, applied by the warp itself (they commute with the later per-pixel stages). */
export interface Flips {
  ud: boolean;
  lr: boolean;
}

const NO_FLIPS: Flips = { ud: false, lr: false };

/** F @ M for the output flips F (x -> width - 1 - x, y -> height - 1 - y): warping with it flips the warped image. */
function flipMatrix(M: ArrayLike<number>, width: number, height: number, f: Flips): number[] {
  const m = Array.from(M);
  if (f.lr) for (let j = 0; j < 3; j++) m[j] = (width - 1) * m[6 + j] - m[j];
  if (f.ud) for (let j = 0; j < 3; j++) m[3 + j] = (height - 1) * m[6 + j] - m[3 + j];
  return m;
}

/**
 * random_perspective's pixels, then the flips: `img` (h, w, 3) warped to plan.width x plan.height with bilinear taps
 * and 114 outside (cv2.warpAffine / warpPerspective with INTER_LINEAR, BORDER_CONSTANT). Flips fold into the matrix,
 * so they cost nothing; without a warp they are tf.reverse. Sub-pixel positions are exact here, where OpenCV
 * quantizes them to 1/32 px: edges may differ by a few levels.
 */
export function warpImage(img: tf.Tensor3D, plan: PerspectivePlan, flips: Flips = NO_FLIPS): tf.Tensor3D {
  if (!plan.warp) {
    const axes = [...(flips.ud ? [0] : []), ...(flips.lr ? [1] : [])];
    return axes.length ? tf.reverse(img, axes) : img;
  }
  const out = tf.image.transform(
    tf.expandDims(img, 0) as tf.Tensor4D, // (1, h, w, 3): one image per call (the cpu kernel handles only batch 0)
    tf.tensor2d(transformParams(flipMatrix(plan.M, plan.width, plan.height, flips)), [1, 8]),
    'bilinear',
    'constant',
    FILL,
    [plan.height, plan.width],
  );
  return roundHalfUp(tf.squeeze(out, [0]) as tf.Tensor3D);
}

/**
 * load_mosaic's canvas (2s, 2s, 3): each tile's block padded with 114 to its quadrant around the centre (xc, yc),
 * the quadrants concatenated. Equal to filling the canvas and copying the blocks, as the blocks never overlap.
 */
export function mosaicCanvas(m: MosaicSource, uploads: Uploads): tf.Tensor3D {
  const S2 = 2 * m.s;
  const { xc, yc } = m.plan;
  const quads = m.placements.map((p, i) => {
    const [qx0, qx1] = i % 2 === 0 ? [0, xc] : [xc, S2];
    const [qy0, qy1] = i < 2 ? [0, yc] : [yc, S2];
    const pads: [number, number][] = [[p.y1a - qy0, qy1 - p.y1a - p.ch], [p.x1a - qx0, qx1 - p.x1a - p.cw], [0, 0]];
    if (pads.some(([a, b]) => a < 0 || b < 0)) {
      throw new RangeError(`mosaicCanvas: tile ${i} block ${p.cw}x${p.ch} at (${p.x1a}, ${p.y1a}) leaves its quadrant`);
    }
    const block = tf.slice(uploads.get(m.tiles[i]), [p.y1b, p.x1b, 0], [p.ch, p.cw, 3]);
    return tf.pad(block, pads, FILL);
  });
  return tf.concat([tf.concat([quads[0], quads[1]], 1), tf.concat([quads[2], quads[3]], 1)], 0) as tf.Tensor3D;
}

/** A mosaic sample's image (s, s, 3): canvas, then the warp (and flips). */
export function mosaicImage(m: MosaicSource, uploads: Uploads, flips: Flips = NO_FLIPS): tf.Tensor3D {
  return warpImage(mosaicCanvas(m, uploads), m.warp, flips);
}

/**
 * A letterboxed sample's image: resize to the unpadded size (bilinear with half-pixel centres, as INTER_LINEAR),
 * pad with 114, then the warp (and flips).
 */
export function letterboxImage(l: LetterboxSource, uploads: Uploads, flips: Flips = NO_FLIPS): tf.Tensor3D {
  let t = uploads.get(l.image);
  const g = l.letterbox;
  const [uw, uh] = g.unpadded;
  if (uw !== l.image.width || uh !== l.image.height) t = roundHalfUp(tf.image.resizeBilinear(t, [uh, uw], false, true));
  if (g.top || g.bottom || g.left || g.right) t = tf.pad(t, [[g.top, g.bottom], [g.left, g.right], [0, 0]], FILL);
  return warpImage(t, l.warp, flips);
}
