// One training sample's random draws and label geometry, apart from its pixels: everything upstream's
// LoadImagesAndLabels.__getitem__ (augment=True) decides from its random stream and the image sizes. The CPU path
// (sample.ts) and the GPU path (gpu/) both render pixels from this plan, so the same Rng gives both the same mosaic,
// warp, gains, flips and labels; the labels are final here (host-side, exact), whichever path draws the pixels.
import type { Rng } from '../../rng';
import { xywhnToXyxy, xyxyToXywhn } from '../boxes';
import { assertRgbImage, type RgbImage } from '../image';
import { letterboxGeometry, type LetterboxGeometry } from '../letterbox';
import type { LoadedImage } from '../valLoader';
import { fliplrLabels, flipudLabels } from './flip';
import { hsvGains } from './hsv';
import type { AugmentHyp } from './hyp';
import { concatLabels, sampleBeta } from './mixup';
import { mosaicBorder, mosaicLabels, placeTiles, planMosaic, type MosaicPlan, type TilePlacement } from './mosaic';
import { planPerspective, type PerspectivePlan } from './perspective';

/** Where a sample's images and labels come from. */
export interface SampleSource {
  /** Number of images in the dataset. */
  n: number;
  /** The index pool mosaics pick their 3 extra images from (upstream's self.indices: 0..n-1 or image-weighted). */
  pool: ArrayLike<number>;
  /** (n, 5) float32 [cls, x, y, w, h] normalized label rows of image i. Not modified. */
  labels(i: number): Float32Array;
  /** load_image(i) with augment=True (long side to imgSize, INTER_LINEAR). The result is not modified. */
  load(i: number): Promise<LoadedImage>;
}

export interface SampleOptions {
  imgSize: number;
  hyp: AugmentHyp;
  /** Mosaics allowed (upstream: augment and not rect). */
  mosaic: boolean;
  /** Letterbox shape (height, width) for the non-mosaic path: the rect batch shape, or imgSize square. */
  shapeHW: readonly [number, number];
}

export type SampleKind = 'mosaic' | 'mosaic+mixup' | 'letterbox';

/** A 4-image mosaic: tiles placed on a 2s x 2s canvas of 114, then warped to s x s. */
export interface MosaicSource {
  kind: 'mosaic';
  /** Tile long side = output size. */
  s: number;
  plan: MosaicPlan;
  /** The 4 loaded images in plan order (cache entries: read only). */
  tiles: RgbImage[];
  placements: TilePlacement[];
  /** random_perspective with border -s/2 (always warps). */
  warp: PerspectivePlan;
}

/** One image letterboxed to shapeHW (resized to `letterbox.unpadded`, padded with 114), then warped. */
export interface LetterboxSource {
  kind: 'letterbox';
  /** The loaded image (a cache entry: read only). */
  image: RgbImage;
  shapeHW: readonly [number, number];
  letterbox: LetterboxGeometry;
  /** random_perspective without border (skipped when its matrix is the identity). */
  warp: PerspectivePlan;
}

export interface SamplePlan {
  kind: SampleKind;
  first: MosaicSource | LetterboxSource;
  /** A second mosaic blended in with weight 1 - r (upstream's mixup). */
  mixup: { second: MosaicSource; r: number } | null;
  /** HSV gains (hue, saturation, value), null when every hsv_* is 0 (upstream then leaves the pixels alone). */
  hsv: [number, number, number] | null;
  flipud: boolean;
  fliplr: boolean;
  /** Output size. */
  width: number;
  height: number;
  /** (n, 5) float32 [cls, x, y, w, h] normalized to the output, flips applied: the sample's final labels. */
  labels: Float32Array;
}

async function planMosaicSource(index: number, src: SampleSource, o: SampleOptions, rng: Rng): Promise<{ source: MosaicSource; labels: Float32Array }> {
  const s = o.imgSize;
  const plan = planMosaic(rng, index, src.pool, s);
  const loaded = await Promise.all(plan.indices.map((i) => src.load(i)));
  const tiles = loaded.map((l, k) => {
    assertRgbImage(l.image, `mosaic tile ${k}`);
    return l.image;
  });
  const placements = placeTiles(plan, tiles, s);
  const canvasLabels = mosaicLabels(placements, tiles.map((t, k) => ({ width: t.width, height: t.height, labels: src.labels(plan.indices[k]) })), s);
  const warp = planPerspective([2 * s, 2 * s], canvasLabels, o.hyp, rng, mosaicBorder(s));
  return { source: { kind: 'mosaic', s, plan, tiles, placements, warp }, labels: warp.targets };
}

/**
 * __getitem__(index) for training without the pixels, all draws from `rng` in upstream's order: mosaic?, [mosaic
 * draws, mixup?, [index, mosaic draws, beta]] or [8 perspective draws], 3 HSV gains, flipud?, fliplr?. Loads the
 * images it needs (their sizes decide the labels).
 */
export async function planTrainSample(index: number, src: SampleSource, o: SampleOptions, rng: Rng): Promise<SamplePlan> {
  const { hyp } = o;
  let first: SamplePlan['first'];
  let mix: SamplePlan['mixup'] = null;
  let labels: Float32Array; // pixel xyxy until converted below
  let kind: SampleKind;
  if (o.mosaic && rng.next() < hyp.mosaic) {
    const a = await planMosaicSource(index, src, o, rng);
    ({ source: first, labels } = a);
    kind = 'mosaic';
    if (rng.next() < hyp.mixup) {
      const b = await planMosaicSource(rng.int(src.n), src, o, rng);
      mix = { second: b.source, r: sampleBeta(rng, 32, 32) };
      labels = concatLabels(labels, b.labels);
      kind = 'mosaic+mixup';
    }
  } else {
    const { image, hw } = await src.load(index);
    assertRgbImage(image, 'letterbox input');
    const lb = letterboxGeometry(image.height, image.width, o.shapeHW, { auto: false, scaleup: true });
    const rows = Float32Array.from(src.labels(index));
    if (rows.length) {
      xywhnToXyxy({ data: rows, stride: 5, offset: 1 }, lb.ratio[0] * hw[1], lb.ratio[1] * hw[0], lb.pad[0], lb.pad[1]);
    }
    const warp = planPerspective(lb.outHW, rows, hyp, rng);
    first = { kind: 'letterbox', image, shapeHW: o.shapeHW, letterbox: lb, warp };
    labels = warp.targets;
    kind = 'letterbox';
  }
  const { width, height } = first.warp;
  if (labels.length) xyxyToXywhn({ data: labels, stride: 5, offset: 1 }, width, height, true, 1e-3);
  const hsv = hyp.hsv_h || hyp.hsv_s || hyp.hsv_v ? hsvGains(rng, hyp.hsv_h, hyp.hsv_s, hyp.hsv_v) : null;
  const flipud = rng.next() < hyp.flipud;
  if (flipud) flipudLabels(labels);
  const fliplr = rng.next() < hyp.fliplr;
  if (fliplr) fliplrLabels(labels);
  return { kind, first, mixup: mix, hsv, flipud, fliplr, width, height, labels };
}
