// One training sample as upstream's LoadImagesAndLabels.__getitem__ makes it with augment=True: a mosaic (with
// probability hyp.mosaic, never with rect batches) optionally mixed with a second mosaic, or a single letterboxed
// image through random_perspective; then labels to normalized xywh, HSV gains, up-down and left-right flips.
// Albumentations is not applied: upstream uses it only when the optional package is installed, and its transforms
// (1% blur / median blur / gray / CLAHE) are left out here. The draws and labels come from plan.ts; this file draws
// the pixels on the CPU (the GPU path, gpu/, draws them from the same plan).
import type { Rng } from '../../rng';
import type { RgbImage } from '../image';
import { letterbox } from '../letterbox';
import { fliplrImage, flipudImage } from './flip';
import { applyHsvLuts, hsvLuts } from './hsv';
import { blendImages } from './mixup';
import { mosaicPixels } from './mosaic';
import { applyPerspective } from './perspective';
import { planTrainSample, type LetterboxSource, type MosaicSource, type SampleKind, type SampleOptions, type SamplePlan, type SampleSource } from './plan';
import { canvasScratch } from './wasm/kernels';

export type { SampleOptions, SampleSource } from './plan';

export interface TrainSample {
  /** HWC uint8 RGB. */
  image: RgbImage;
  /** (n, 5) float32 [cls, x, y, w, h] normalized to `image`. */
  labels: Float32Array;
  /** How it was made, for logs and tests. */
  kind: SampleKind;
}

/** load_mosaic's pixels: the canvas (a reused scratch buffer, in the wasm kernels' memory when they run, so the warp
 * reads it in place), then the warp, which always makes a new image here (the border is never 0). */
function mosaicImage(m: MosaicSource): RgbImage {
  const canvas = mosaicPixels(m.placements, m.tiles, m.s, canvasScratch(4 * m.s * m.s * 3));
  return applyPerspective(canvas, m.warp);
}

function letterboxImage(l: LetterboxSource): RgbImage {
  const lb = letterbox(l.image, l.shapeHW, { auto: false, scaleup: true });
  const warped = applyPerspective(lb.image, l.warp);
  // The loaded image may be a cache entry and letterbox/perspective may hand it back untouched: copy before the
  // in-place HSV and flips below.
  return warped === l.image ? { ...l.image, data: l.image.data.slice() } : warped;
}

/** The pixels of a planned sample on the CPU (OpenCV-exact), as upstream's __getitem__ makes them. */
export function renderSample(p: SamplePlan): RgbImage {
  let image = p.first.kind === 'mosaic' ? mosaicImage(p.first) : letterboxImage(p.first);
  if (p.mixup) image = blendImages(image, mosaicImage(p.mixup.second), p.mixup.r);
  if (p.hsv) applyHsvLuts(image, hsvLuts(p.hsv));
  if (p.flipud) flipudImage(image);
  if (p.fliplr) fliplrImage(image);
  return image;
}

/**
 * __getitem__(index) for training, all draws from `rng` in upstream's order: mosaic?, [mosaic draws, mixup?, [index,
 * mosaic draws, beta]] or [8 perspective draws], 3 HSV gains, flipud?, fliplr? (planTrainSample), then the pixels.
 */
export async function trainSample(index: number, src: SampleSource, o: SampleOptions, rng: Rng): Promise<TrainSample> {
  const plan = await planTrainSample(index, src, o, rng);
  return { image: renderSample(plan), labels: plan.labels, kind: plan.kind };
}
