// uint8 HWC RGB images -> the model's float input, as upstream: im.float() / 255. The division runs on the host:
// a double quotient rounded once to float32 is exactly IEEE float32 division, on every backend.
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from './data';

/** Same-size images -> (B, H, W, 3) float32 in [0, 1]. */
export function imagesToTensor(images: readonly RgbImage[]): tf.Tensor4D {
  const { width: w, height: h } = images[0];
  const n = w * h * 3;
  const packed = new Uint8Array(images.length * n);
  images.forEach((im, b) => {
    if (im.width !== w || im.height !== h) {
      throw new RangeError(`batch images differ in size: ${im.width}x${im.height} vs ${w}x${h}`);
    }
    packed.set(im.data, b * n);
  });
  return uint8ToTensor(packed, [images.length, h, w, 3]);
}

/** A packed (B, H, W, 3) uint8 batch -> float32 / 255. */
export function uint8ToTensor(data: Uint8Array, shape: readonly [number, number, number, number]): tf.Tensor4D {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
  return tf.tensor4d(out, [shape[0], shape[1], shape[2], shape[3]]);
}
