// A batch of planned samples (plan.ts) drawn with tensor ops on the current tfjs backend (WebGPU in the studio's
// worker; wasm or cpu in tests): the images never visit the host after upload, and the result is the model's input.
import * as tf from '@tensorflow/tfjs';
import type { SamplePlan } from '../plan';
import { letterboxImage, mosaicImage, Uploads } from './geometry';
import { hsvBatch } from './hsv';

/** upstream's mixup pixels: trunc(a * r + b * (1 - r)) on integer-valued images (numpy's astype(uint8)). */
function blend(a: tf.Tensor3D, b: tf.Tensor3D, r: number): tf.Tensor3D {
  return tf.floor(tf.add(tf.mul(a, r), tf.mul(b, 1 - r)));
}

/**
 * The pixels of `plans` (all of one output size) as (B, H, W, 3) float32 RGB in [0, 1], NHWC: mosaic or letterbox,
 * warp, mixup, HSV, flips, / 255. The flips are done by the warp (HSV and mixup are per pixel, so the order does not
 * matter). Every intermediate tensor is freed; the caller owns the result.
 */
export function renderBatch(plans: readonly SamplePlan[]): tf.Tensor4D {
  if (!plans.length) throw new RangeError('renderBatch: no samples');
  const { width: W, height: H } = plans[0];
  plans.forEach((p, k) => {
    if (p.width !== W || p.height !== H) throw new RangeError(`renderBatch: sample ${k} is ${p.width}x${p.height}, sample 0 ${W}x${H}`);
  });
  return tf.tidy(() => {
    const uploads = new Uploads();
    const images = plans.map((p) => {
      const flips = { ud: p.flipud, lr: p.fliplr };
      const first = p.first.kind === 'mosaic' ? mosaicImage(p.first, uploads, flips) : letterboxImage(p.first, uploads, flips);
      return p.mixup ? blend(first, mosaicImage(p.mixup.second, uploads, flips), p.mixup.r) : first;
    });
    const x = tf.stack(images) as tf.Tensor4D; // (B, H, W, 3), integer values 0..255
    return tf.div(hsvBatch(x, plans.map((p) => p.hsv)), 255);
  });
}
