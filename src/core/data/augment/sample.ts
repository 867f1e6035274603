// One training sample as upstream's LoadImagesAndLabels.__getitem__ makes it with augment=True: a mosaic (with
// probability hyp.mosaic, never with rect batches) optionally mixed with a second mosaic, or a single letterboxed
// image through random_perspective; then labels to normalized xywh, HSV gains, up-down and left-right flips.
// Albumentations is not applied: upstream uses it only when the optional package is installed, and its transforms
// (1% blur / median blur / gray / CLAHE) are left out here.
import type { Rng } from '../../rng';
import { xywhnToXyxy, xyxyToXywhn } from '../boxes';
import type { RgbImage } from '../image';
import { letterbox } from '../letterbox';
import type { LoadedImage } from '../valLoader';
import { fliplrImage, fliplrLabels, flipudImage, flipudLabels } from './flip';
import { augmentHsv } from './hsv';
import type { AugmentHyp } from './hyp';
import { mixup } from './mixup';
import { finishMosaic, planMosaic, type MosaicResult } from './mosaic';
import { randomPerspective } from './perspective';

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

export interface TrainSample {
  /** HWC uint8 RGB. */
  image: RgbImage;
  /** (n, 5) float32 [cls, x, y, w, h] normalized to `image`. */
  labels: Float32Array;
  /** How it was made, for logs and tests. */
  kind: 'mosaic' | 'mosaic+mixup' | 'letterbox';
}

async function mosaicSample(index: number, src: SampleSource, o: SampleOptions, rng: Rng): Promise<MosaicResult> {
  const plan = planMosaic(rng, index, src.pool, o.imgSize);
  const loaded = await Promise.all(plan.indices.map((i) => src.load(i)));
  const tiles = loaded.map((l, k) => ({ image: l.image, labels: src.labels(plan.indices[k]) }));
  return finishMosaic(plan, tiles, o.imgSize, o.hyp, rng);
}

/**
 * __getitem__(index) for training, all draws from `rng` in upstream's order: mosaic?, [mosaic draws, mixup?, [index,
 * mosaic draws, beta]] or [8 perspective draws], 3 HSV gains, flipud?, fliplr?.
 */
export async function trainSample(index: number, src: SampleSource, o: SampleOptions, rng: Rng): Promise<TrainSample> {
  const { hyp } = o;
  let image: RgbImage;
  let labels: Float32Array; // pixel xyxy until converted below
  let kind: TrainSample['kind'];
  if (o.mosaic && rng.next() < hyp.mosaic) {
    ({ image, labels } = await mosaicSample(index, src, o, rng));
    kind = 'mosaic';
    if (rng.next() < hyp.mixup) {
      const second = await mosaicSample(rng.int(src.n), src, o, rng);
      ({ image, labels } = mixup(image, labels, second.image, second.labels, rng));
      kind = 'mosaic+mixup';
    }
  } else {
    const { image: loaded, hw } = await src.load(index);
    const lb = letterbox(loaded, o.shapeHW, { auto: false, scaleup: true });
    labels = Float32Array.from(src.labels(index));
    if (labels.length) {
      xywhnToXyxy({ data: labels, stride: 5, offset: 1 }, lb.ratio[0] * hw[1], lb.ratio[1] * hw[0], lb.pad[0], lb.pad[1]);
    }
    const warped = randomPerspective(lb.image, labels, hyp, rng);
    // The loaded image may be a cache entry and letterbox/perspective may hand it back untouched: copy before the
    // in-place HSV and flips below.
    image = warped.image === loaded ? { ...loaded, data: loaded.data.slice() } : warped.image;
    labels = warped.targets;
    kind = 'letterbox';
  }
  if (labels.length) xyxyToXywhn({ data: labels, stride: 5, offset: 1 }, image.width, image.height, true, 1e-3);
  augmentHsv(image, hyp.hsv_h, hyp.hsv_s, hyp.hsv_v, rng);
  if (rng.next() < hyp.flipud) {
    flipudImage(image);
    flipudLabels(labels);
  }
  if (rng.next() < hyp.fliplr) {
    fliplrImage(image);
    fliplrLabels(labels);
  }
  return { image, labels, kind };
}
