// Upstream's validation loader (LoadImagesAndLabels with augment=False, rect=True, pad=0.5) as plain functions:
// load_image (long side to img_size, INTER_AREA when shrinking), rect batches (images sorted by aspect ratio, one
// letterbox shape per batch), letterbox to the batch shape without enlarging, and the labels moved onto the
// letterboxed image exactly as upstream's __getitem__ and val.py move them (float32 throughout).
import { npArgsort as argsortNumpy } from '../metrics/npArgsort';
import { xywhToXyxy, xywhnToXyxy, xyxyToXywhn, type RatioPad } from './boxes';
import type { RgbImage } from './image';
import { letterbox } from './letterbox';
import { resize } from './resize';

export interface LoadedImage {
  image: RgbImage;
  /** Original (height, width). */
  hw0: [number, number];
  /** (height, width) after the long-side resize. */
  hw: [number, number];
}

/**
 * load_image: scale so the long side is `imgSize` (int() of the scaled sizes, as v7.0; later versions use ceil).
 * Shrinking uses INTER_AREA unless augmenting; enlarging uses INTER_LINEAR.
 */
export function loadImage(img: RgbImage, imgSize: number, augment = false): LoadedImage {
  const h0 = img.height;
  const w0 = img.width;
  const r = imgSize / Math.max(h0, w0);
  if (r === 1) return { image: img, hw0: [h0, w0], hw: [h0, w0] };
  // Upstream would hand cv2 a zero size for an extreme aspect ratio and crash; we keep at least one pixel.
  const w = Math.max(1, Math.trunc(w0 * r));
  const h = Math.max(1, Math.trunc(h0 * r));
  const image = resize(img, w, h, augment || r > 1 ? 'linear' : 'area');
  return { image, hw0: [h0, w0], hw: [h, w] };
}

/**
 * Upstream's exif_size: the PIL size (width, height) with width/height swapped for EXIF orientations 6 and 8 only.
 * (Orientations 5 and 7 also transpose the pixels, which the decoder does, but upstream's shape ignores them; rect
 * batches are planned from these shapes, so we keep the quirk.)
 */
export function exifSizeUpstream(width: number, height: number, orientation?: number): [number, number] {
  return orientation === 6 || orientation === 8 ? [height, width] : [width, height];
}

export interface RectBatchPlan {
  /** order[k] = index (into the input) of the k-th image in loader order. */
  order: Int32Array;
  /** Batch of the k-th image in loader order: floor(k / batchSize). */
  batchOf: Int32Array;
  /** Letterbox shape (height, width) of each batch. */
  shapes: [number, number][];
}

export interface RectOptions {
  imgSize: number;
  batchSize: number;
  stride?: number;
  /** Extra stride fractions of padding: 0.5 for validation (a 256 px image becomes 288), 0 for rect training. */
  pad?: number;
}

/**
 * Rect batches from the images' (width, height): sort by h/w with numpy's argsort, cut into batches, give each batch
 * the shape that fits its flattest or tallest image: ceil(shape * imgSize / stride + pad) * stride.
 */
export function rectBatches(shapesWH: ReadonlyArray<readonly [number, number]>, opts: RectOptions): RectBatchPlan {
  const { imgSize, batchSize, stride = 32, pad = 0 } = opts;
  const n = shapesWH.length;
  if (!n) return { order: new Int32Array(0), batchOf: new Int32Array(0), shapes: [] };
  const ar = Float64Array.from(shapesWH, ([w, h]) => h / w);
  const order = argsortNumpy(ar);
  const batchOf = Int32Array.from({ length: n }, (_, k) => Math.floor(k / batchSize));
  const nb = batchOf[n - 1] + 1;
  const shapes: [number, number][] = [];
  for (let b = 0; b < nb; b++) {
    let mini = Infinity;
    let maxi = -Infinity;
    for (let k = b * batchSize; k < Math.min(n, (b + 1) * batchSize); k++) {
      const a = ar[order[k]];
      // numpy min/max propagate NaN; a NaN ratio (zero width) cannot come from a decodable image
      mini = Math.min(mini, a);
      maxi = Math.max(maxi, a);
    }
    let s: [number, number] = [1, 1];
    if (maxi < 1) s = [maxi, 1];
    else if (mini > 1) s = [1, 1 / mini];
    shapes.push([Math.ceil((s[0] * imgSize) / stride + pad) * stride, Math.ceil((s[1] * imgSize) / stride + pad) * stride]);
  }
  return { order, batchOf, shapes };
}

export interface ValSample {
  /** Letterboxed image, (height, width) = the batch shape (or imgSize square without rect). */
  image: RgbImage;
  /** Original (height, width). */
  hw0: [number, number];
  /** ((h / h0, w / w0), (pad_w, pad_h)): what scaleBoxes needs to map boxes back to the original image. */
  ratioPad: RatioPad;
  /** (n, 5) float32 [cls, x, y, w, h], normalized to `image` (upstream's labels_out[:, 1:]). */
  labels: Float32Array;
  /** (n, 4) float32 pixel [x1, y1, x2, y2] on `image`, rebuilt from `labels` as val.py does. */
  boxes: Float32Array;
}

/**
 * One validation item: load_image, letterbox to `shapeHW` (auto=False, scaleup=augment), labels from normalized
 * xywh on the original to normalized xywh on the letterboxed image (clipped, eps 1e-3) and to pixel xyxy.
 * `labels` is the image's (n, 5) label rows; it is not modified.
 */
export function valSample(
  img: RgbImage,
  labels: Float32Array,
  shapeHW: number | readonly [number, number],
  imgSize: number,
  augment = false,
): ValSample {
  const { image: loaded, hw0, hw } = loadImage(img, imgSize, augment);
  const [h, w] = hw;
  const lb = letterbox(loaded, shapeHW, { auto: false, scaleup: augment });
  const out = Float32Array.from(labels);
  const rows = { data: out, stride: 5, offset: 1 };
  if (out.length) {
    xywhnToXyxy(rows, lb.ratio[0] * w, lb.ratio[1] * h, lb.pad[0], lb.pad[1]);
    xyxyToXywhn(rows, lb.image.width, lb.image.height, true, 1e-3);
  }
  return {
    image: lb.image,
    hw0,
    ratioPad: [
      [h / hw0[0], w / hw0[1]],
      [lb.pad[0], lb.pad[1]],
    ],
    labels: out,
    boxes: labelsToPixelXyxy(out, lb.image.width, lb.image.height),
  };
}

/** val.py: targets[:, 2:] *= (w, h, w, h) then xywh2xyxy, in float32. Returns (n, 4) pixel corners. */
export function labelsToPixelXyxy(labels: Float32Array, width: number, height: number): Float32Array {
  const n = labels.length / 5;
  const boxes = new Float32Array(n * 4);
  const [W, H] = [Math.fround(width), Math.fround(height)];
  for (let i = 0; i < n; i++) {
    boxes[i * 4] = labels[i * 5 + 1] * W;
    boxes[i * 4 + 1] = labels[i * 5 + 2] * H;
    boxes[i * 4 + 2] = labels[i * 5 + 3] * W;
    boxes[i * 4 + 3] = labels[i * 5 + 4] * H;
  }
  return xywhToXyxy({ data: boxes });
}

export interface ValItem {
  /** Image path (or key) handed to `decode`. */
  file: string;
  /** (width, height) as upstream's verification measured it (exifSizeUpstream); plans the rect batches. */
  shapeWH: readonly [number, number];
  /** (n, 5) float32 label rows [cls, cx, cy, w, h], normalized (parseLabels().rows). */
  labels: Float32Array;
}

/** Options of the val loader; unlike rectBatches, `pad` defaults to 0.5 (validation) here. */
export interface ValLoaderOptions extends RectOptions {
  /** Rect batches (upstream val.py and train.py's val loader: true). False: every image letterboxed to imgSize. */
  rect?: boolean;
}

export interface ValBatch {
  /** Batch number, 0-based. */
  index: number;
  /** Letterbox shape (height, width) shared by the batch's images. */
  shapeHW: [number, number];
  items: (ValSample & { file: string; itemIndex: number })[];
}

export interface ValBatchPlan {
  /** order[k] = index (into the items) of the k-th image in loader order. */
  order: Int32Array;
  /** Each batch's letterbox shape (height, width) and its items, in loader order. */
  batches: { shapeHW: [number, number]; members: number[] }[];
}

/** The order and shapes upstream's val loader would use for these items, without decoding any image. */
export function planValBatches(items: readonly ValItem[], opts: ValLoaderOptions): ValBatchPlan {
  const { rect = true, batchSize, imgSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!rect) {
    const order = Int32Array.from(items, (_, i) => i);
    const batches = [];
    for (let k = 0; k < items.length; k += batchSize) {
      batches.push({ shapeHW: [imgSize, imgSize] as [number, number], members: Array.from(order.subarray(k, k + batchSize)) });
    }
    return { order, batches };
  }
  const plan = rectBatches(items.map((it) => it.shapeWH), { imgSize, batchSize, stride: opts.stride ?? 32, pad: opts.pad ?? 0.5 });
  const batches = plan.shapes.map((shapeHW) => ({ shapeHW, members: [] as number[] }));
  plan.order.forEach((idx, k) => batches[plan.batchOf[k]].members.push(idx));
  return { order: plan.order, batches };
}

/**
 * Validation batches in upstream's order: decode (caller-supplied: sharp in Node, createImageBitmap in the browser),
 * load_image, letterbox to the batch shape, labels onto the letterboxed image.
 */
export async function* valBatches(
  items: readonly ValItem[],
  decode: (file: string) => Promise<RgbImage>,
  opts: ValLoaderOptions,
): AsyncGenerator<ValBatch> {
  const { batches } = planValBatches(items, opts);
  for (const [index, b] of batches.entries()) {
    const out: ValBatch['items'] = [];
    for (const i of b.members) {
      const it = items[i];
      const sample = valSample(await decode(it.file), it.labels, b.shapeHW, opts.imgSize);
      out.push({ ...sample, file: it.file, itemIndex: i });
    }
    yield { index, shapeHW: b.shapeHW, items: out };
  }
}
