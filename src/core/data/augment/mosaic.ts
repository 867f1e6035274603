// Upstream's load_mosaic: four images (the requested one and three random ones, shuffled) placed around a random
// centre on a 2s x 2s grey canvas, their labels moved with them and clipped to the canvas, then random_perspective
// with border -s/2 so the result is s x s. Split in two so the caller can load the four images asynchronously
// between the draws that choose them and the draws that warp them (each sample owns its Rng, so the order of draws
// is fixed either way).
import type { Rng } from '../../rng';
import { xywhnToXyxy } from '../boxes';
import { assertRgbImage, type RgbImage } from '../image';
import { randomPerspective, type PerspectiveParams } from './perspective';
import { canvasScratch } from './wasm/kernels';

export interface MosaicPlan {
  /** Mosaic centre on the 2s canvas, pixels. */
  xc: number;
  yc: number;
  /** The 4 dataset indices in placement order: top-left, top-right, bottom-left, bottom-right. */
  indices: [number, number, number, number];
}

/** upstream's mosaic_border: [-img_size // 2] * 2 (floor division). */
export function mosaicBorder(s: number): [number, number] {
  return [Math.floor(-s / 2), Math.floor(-s / 2)];
}

/**
 * The mosaic's random choices, in upstream's order: yc then xc = int(uniform(-border, 2s + border)), three extra
 * indices = random.choices(pool, k=3), then random.shuffle of the four (Python's Fisher-Yates from the end).
 */
export function planMosaic(rng: Rng, index: number, pool: ArrayLike<number>, s: number): MosaicPlan {
  if (!pool.length) throw new RangeError('planMosaic: the index pool is empty');
  const [by, bx] = mosaicBorder(s);
  const yc = Math.trunc(rng.uniform(-by, 2 * s + by));
  const xc = Math.trunc(rng.uniform(-bx, 2 * s + bx));
  const idx: [number, number, number, number] = [index, 0, 0, 0];
  for (let k = 1; k < 4; k++) idx[k] = pool[rng.int(pool.length)];
  for (let i = 3; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return { xc, yc, indices: idx };
}

export interface MosaicTile {
  /** The image after load_image (long side = s). */
  image: RgbImage;
  /** (n, 5) float32 [cls, x, y, w, h] normalized to the image. Not modified. */
  labels: Float32Array;
}

export interface MosaicCanvas {
  /** 2s x 2s. */
  image: RgbImage;
  /** (n, 5) float32 [cls, x1, y1, x2, y2] pixels on the canvas, clipped to [0, 2s]. */
  labels: Float32Array;
}

/** Where one tile lands on the 2s canvas: the block (x1a, y1a, cw, ch) of the canvas is the tile's (x1b, y1b). */
export interface TilePlacement {
  x1a: number;
  y1a: number;
  x1b: number;
  y1b: number;
  /** Copied block width and height (never 0: the centre is at least s/2 from every edge). */
  cw: number;
  ch: number;
}

/** Upstream's placement rules a/b/c/d for tiles of (width, height) sizes, in plan order. */
export function placeTiles(plan: MosaicPlan, sizes: readonly { width: number; height: number }[], s: number): TilePlacement[] {
  if (sizes.length !== 4) throw new RangeError(`placeTiles: need 4 tiles, got ${sizes.length}`);
  const S2 = 2 * s;
  const { xc, yc } = plan;
  return sizes.map(({ width: w, height: h }, i) => {
    let x1a: number, y1a: number, x2a: number, y2a: number, x1b: number, y1b: number;
    if (i === 0) {
      // top left: the tile's bottom-right corner at the centre
      [x1a, y1a, x2a, y2a] = [Math.max(xc - w, 0), Math.max(yc - h, 0), xc, yc];
      [x1b, y1b] = [w - (x2a - x1a), h - (y2a - y1a)];
    } else if (i === 1) {
      // top right
      [x1a, y1a, x2a, y2a] = [xc, Math.max(yc - h, 0), Math.min(xc + w, S2), yc];
      [x1b, y1b] = [0, h - (y2a - y1a)];
    } else if (i === 2) {
      // bottom left
      [x1a, y1a, x2a, y2a] = [Math.max(xc - w, 0), yc, xc, Math.min(S2, yc + h)];
      [x1b, y1b] = [w - (x2a - x1a), 0];
    } else {
      // bottom right
      [x1a, y1a, x2a, y2a] = [xc, yc, Math.min(xc + w, S2), Math.min(S2, yc + h)];
      [x1b, y1b] = [0, 0];
    }
    // The copied block is the overlap of canvas rect a and tile rect b (numpy slices clamp the same way).
    return { x1a, y1a, x1b, y1b, cw: Math.min(x2a - x1a, w - x1b), ch: Math.min(y2a - y1a, h - y1b) };
  });
}

/**
 * The mosaic's labels: each tile's (n, 5) normalized rows moved by xywhn2xyxy with the tile's offset, concatenated,
 * coordinates clipped to [0, 2s]. Returns (n, 5) float32 [cls, x1, y1, x2, y2] pixels on the canvas.
 */
export function mosaicLabels(
  placements: readonly TilePlacement[],
  tiles: readonly { width: number; height: number; labels: Float32Array }[],
  s: number,
): Float32Array {
  const parts = tiles.map((t, i) => {
    const p = placements[i];
    const lb = Float32Array.from(t.labels);
    if (lb.length) xywhnToXyxy({ data: lb, stride: 5, offset: 1 }, t.width, t.height, p.x1a - p.x1b, p.y1a - p.y1b);
    return lb;
  });
  const labels = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    labels.set(p, o);
    o += p.length;
  }
  // np.clip(labels4[:, 1:], 0, 2 * s): the coordinates only, not the class
  for (let i = 0; i < labels.length; i++) {
    if (i % 5 !== 0) labels[i] = Math.min(Math.max(labels[i], 0), 2 * s);
  }
  return labels;
}

/**
 * The mosaic's pixels: a 2s x 2s canvas filled with 114 and the tiles copied in. `scratch` (2s*2s*3 bytes) is reused
 * as the canvas when given; the caller must be done with the previous canvas.
 */
export function mosaicPixels(placements: readonly TilePlacement[], images: readonly RgbImage[], s: number, scratch?: Uint8Array): RgbImage {
  const S2 = 2 * s;
  const canvas = scratch && scratch.length === S2 * S2 * 3 ? scratch : new Uint8Array(S2 * S2 * 3);
  canvas.fill(114);
  images.forEach((img, i) => {
    const { x1a, y1a, x1b, y1b, cw, ch } = placements[i];
    for (let r = 0; r < ch; r++) {
      const src = ((y1b + r) * img.width + x1b) * 3;
      canvas.set(img.data.subarray(src, src + cw * 3), ((y1a + r) * S2 + x1a) * 3);
    }
  });
  return { data: canvas, width: S2, height: S2 };
}

/**
 * Place the 4 tiles (in plan order) on a 2s x 2s canvas filled with 114, as upstream's placement rules a/b/c/d, and
 * move their labels (xywhn2xyxy with the tile's offset). `scratch` (2s*2s*3 bytes) is reused as the canvas when
 * given; the caller must be done with the previous canvas.
 */
export function composeMosaic(plan: MosaicPlan, tiles: readonly MosaicTile[], s: number, scratch?: Uint8Array): MosaicCanvas {
  if (tiles.length !== 4) throw new RangeError(`composeMosaic: need 4 tiles, got ${tiles.length}`);
  tiles.forEach((t, i) => assertRgbImage(t.image, `mosaic tile ${i}`));
  const placements = placeTiles(plan, tiles.map((t) => t.image), s);
  const labels = mosaicLabels(placements, tiles.map((t) => ({ width: t.image.width, height: t.image.height, labels: t.labels })), s);
  return { image: mosaicPixels(placements, tiles.map((t) => t.image), s, scratch), labels };
}

export interface MosaicResult {
  /** s x s after random_perspective. */
  image: RgbImage;
  /** (m, 5) float32 [cls, x1, y1, x2, y2] pixels on `image`. */
  labels: Float32Array;
}

/**
 * load_mosaic after the tiles are loaded: compose, then random_perspective with border -s/2 (draws from `rng`). The
 * canvas is a reused scratch buffer (in the wasm kernels' memory when they run, so the warp reads it in place).
 */
export function finishMosaic(plan: MosaicPlan, tiles: readonly MosaicTile[], s: number, hyp: PerspectiveParams, rng: Rng): MosaicResult {
  const canvas = composeMosaic(plan, tiles, s, canvasScratch(4 * s * s * 3));
  // The border is never 0 here, so the warp always produces a new image and the scratch canvas can be reused.
  const { image, targets } = randomPerspective(canvas.image, canvas.labels, hyp, rng, mosaicBorder(s));
  return { image, labels: targets };
}
