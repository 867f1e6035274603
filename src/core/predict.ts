// Eval-mode inference over a batch of same-size images, in chunks small enough for every backend's memory
// (wasm's heap cannot hold yolov5's activations for 32 images at 640 px). Eval mode treats images independently,
// so chunking changes no number.
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from './data';
import { imagesToTensor } from './imageTensor';
import type { YoloModel } from './model';

/** Pixels (B*H*W) one forward may take: 4 images at 640 x 640. */
export const MAX_FORWARD_PIXELS = 4 * 640 * 640;

/** Decoded predictions (B, N, 5+nc) for the images, read back to the host. */
/** Validation loss on the eval-mode raw outputs (val.py with compute_loss, during training). */
export interface PredictLoss {
  /** Targets [img (within the chunk), cls, x, y, w, h] normalised, for images [start, start + count). */
  targets: (start: number, count: number) => Float32Array;
  /** [lbox, lobj, lcls] of a chunk. */
  fn: (raw: tf.Tensor5D[], targets: Float32Array) => tf.Tensor1D;
}

export interface Prediction {
  data: Float32Array;
  shape: [number, number, number];
  /** uint8 -> float input tensors, and forward + readback, milliseconds (upstream's first two speed columns). */
  ms: { preprocess: number; inference: number };
  /**
   * With `loss`: [lbox, lobj, lcls] of the batch. When the batch is split into chunks, the chunks' losses are
   * averaged weighted by image count (upstream computes one loss over the whole batch; equal unless chunked).
   */
  lossItems?: Float32Array;
}

export async function predictDecoded(model: YoloModel, images: readonly RgbImage[], loss?: PredictLoss): Promise<Prediction> {
  const { width, height } = images[0];
  const chunk = Math.max(1, Math.floor(MAX_FORWARD_PIXELS / (width * height)));
  const parts: Float32Array[] = [];
  let rows = 0;
  let cols = 0;
  const ms = { preprocess: 0, inference: 0 };
  const lossSum = new Float64Array(3);
  for (let i = 0; i < images.length; i += chunk) {
    let t = performance.now();
    const x = imagesToTensor(images.slice(i, i + chunk));
    ms.preprocess += performance.now() - t;
    t = performance.now();
    const count = x.shape[0];
    if (loss) {
      const { decoded, raw } = model.forwardEvalRaw(x);
      const items = tf.tidy(() => loss.fn(raw, loss.targets(i, count)));
      const v = await items.data();
      for (let k = 0; k < 3; k++) lossSum[k] += v[k] * count;
      tf.dispose([items, ...raw]);
      [, rows, cols] = decoded.shape;
      parts.push((await decoded.data()) as Float32Array);
      decoded.dispose();
    } else {
      const out = model.forwardEval(x);
      [, rows, cols] = out.shape;
      parts.push((await out.data()) as Float32Array);
      out.dispose();
    }
    x.dispose();
    ms.inference += performance.now() - t;
  }
  const data = new Float32Array(images.length * rows * cols);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  const lossItems = loss ? Float32Array.from(lossSum, (v) => v / images.length) : undefined;
  return { data, shape: [images.length, rows, cols], ms, lossItems };
}
