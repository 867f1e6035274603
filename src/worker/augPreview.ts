// The augmentation preview's pixels: the training's own TrainLoader (CPU path) draws the samples, so the preview is
// what training sees, not a look-alike. With the training's seed it shows exactly the first samples of epoch 0: the
// per-sample Rng streams and the epoch's shuffle depend on (seed, epoch, slot) only, not on the batch size, and the
// preview walks the slots one batch of 1 at a time so a newer request can cut in between two samples.
// Differences from a training batch: --rect letterboxes each preview image to its own shape (a batch of 1), and
// --multi-scale's per-batch resize and --image-weights' draws (both decided by the trainer) are not shown.
import { checkImgSize } from '../core/config/trainOptions';
import type { RgbImage } from '../core/data/image';
import type { SamplePlan } from '../core/data/augment/plan';
import { renderSample } from '../core/data/augment/sample';
import { TrainLoader } from '../core/data/trainLoader';
import type { LoadedImage, ValItem } from '../core/data/valLoader';
import { AUG_PREVIEW_MAX, type AugPreview, type AugPreviewRequest, type AugPreviewSample } from '../protocol/augPreview';

/** YOLOv5's largest stride for the studio's models (P5): image sizes are rounded up to a multiple of it. */
const GS = 32;

export class AugPreviewError extends Error {
  override name = 'AugPreviewError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the preview reads: the dataset's train items, how to decode them, and an optional load_image cache. */
export interface PreviewData {
  names: readonly string[];
  train: readonly ValItem[];
  decode: (file: string) => Promise<RgbImage>;
  /** The name to show for an item's file (e.g. its path in the dropped folder); default the file itself. */
  pathOf?: (file: string) => string;
  /** load_image results by train index, shared between requests of one image size. */
  cache?: Map<number, LoadedImage>;
}

/** The size the trainer would train at: check_img_size (a multiple of 32, at least 64). */
export function previewImgSize(imgsz: number): number {
  if (!Number.isFinite(imgsz) || imgsz <= 0) throw new AugPreviewError('bad_imgsz', `augmentation preview: image size must be a positive number, got ${imgsz}`);
  return checkImgSize(imgsz, GS, 2 * GS).size;
}

function checkRequest(req: AugPreviewRequest): void {
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > AUG_PREVIEW_MAX) {
    throw new AugPreviewError('bad_count', `augmentation preview: count must be an integer in 1..${AUG_PREVIEW_MAX}, got ${req.count}`);
  }
  if (!Number.isInteger(req.seed) || req.seed < 0) {
    throw new AugPreviewError('bad_seed', `augmentation preview: seed must be an integer >= 0, got ${req.seed}`);
  }
}

/** A planned sample drawn on the CPU (renderSample, as TrainLoader.epoch() draws it) -> RGBA pixels and pixel xyxy boxes. */
function toSample(plan: SamplePlan, file: string): AugPreviewSample {
  const image = renderSample(plan);
  const { width, height } = image;
  const n = width * height;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0, j = 0; i < n * 3; i += 3, j += 4) {
    rgba[j] = image.data[i];
    rgba[j + 1] = image.data[i + 1];
    rgba[j + 2] = image.data[i + 2];
    rgba[j + 3] = 255;
  }
  // labels (n, 5) [cls, x, y, w, h] normalized -> (n, 5) [cls, x1, y1, x2, y2] pixels
  const lb = plan.labels;
  const boxes = new Float32Array(lb.length);
  for (let r = 0; r < lb.length; r += 5) {
    const [x, y, w, h] = [lb[r + 1] * width, lb[r + 2] * height, lb[r + 3] * width, lb[r + 4] * height];
    boxes.set([lb[r], x - w / 2, y - h / 2, x + w / 2, y + h / 2], r);
  }
  return { width, height, rgba, boxes, kind: plan.kind, file };
}

/**
 * Draws `req.count` training samples. `isCurrent` is asked before each sample: false (a newer request came, or
 * training started) abandons the preview and resolves null.
 */
export async function renderAugPreview(data: PreviewData, req: AugPreviewRequest, isCurrent: () => boolean = () => true): Promise<AugPreview | null> {
  const t0 = performance.now();
  checkRequest(req);
  const imgsz = previewImgSize(req.imgsz);
  if (!data.train.length) throw new AugPreviewError('no_train_images', 'augmentation preview: the dataset has no train images');
  const loader = new TrainLoader(data.train, {
    imgSize: imgsz, batchSize: 1, stride: GS, hyp: req.hyp, rect: req.rect, singleCls: req.singleCls, seed: req.seed,
    decode: data.decode, cache: data.cache ?? true, prefetch: 0,
  });
  const samples: AugPreviewSample[] = [];
  // A dataset smaller than `count` continues into the next epochs, as training would.
  for (let epoch = 0; samples.length < req.count; epoch++) {
    if (!isCurrent()) return null;
    // epochPlans() + renderSample is what epoch() runs per sample; the plan also says which kind the sample is.
    for await (const b of loader.epochPlans(epoch)) {
      if (!isCurrent()) return null;
      const file = b.files[0];
      samples.push(toSample(b.plans[0], data.pathOf?.(file) ?? file));
      if (samples.length === req.count) break;
    }
  }
  const names = req.singleCls ? ['item'] : [...data.names];
  return { seed: req.seed, imgsz, names, samples, ms: performance.now() - t0 };
}
