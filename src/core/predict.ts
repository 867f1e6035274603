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
export interface Prediction {
  data: Float32Array;
  shape: [number, number, number];
  /** uint8 -> float input tensors, and forward + readback, milliseconds (upstream's first two speed columns). */
  ms: { preprocess: number; inference: number };
}

export async function predictDecoded(model: YoloModel, images: readonly RgbImage[]): Promise<Prediction> {
  const { width, height } = images[0];
  const chunk = Math.max(1, Math.floor(MAX_FORWARD_PIXELS / (width * height)));
  const parts: Float32Array[] = [];
  let rows = 0;
  let cols = 0;
  const ms = { preprocess: 0, inference: 0 };
  for (let i = 0; i < images.length; i += chunk) {
    let t = performance.now();
    const x = imagesToTensor(images.slice(i, i + chunk));
    ms.preprocess += performance.now() - t;
    t = performance.now();
    const out = model.forwardEval(x);
    [, rows, cols] = out.shape;
    parts.push((await out.data()) as Float32Array);
    tf.dispose([x, out]);
    ms.inference += performance.now() - t;
  }
  const data = new Float32Array(images.length * rows * cols);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return { data, shape: [images.length, rows, cols], ms };
}
