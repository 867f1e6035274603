// uint8 HWC RGB images -> the model's float input, as upstream: im.float() / 255. The division runs on the host:
// a double quotient rounded once to float32 is exactly IEEE float32 division, on every backend.
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from './data';

/** Same-size images -> (B, H, W, 3) float32 in [0, 1]. */
export function imagesToTensor(images: readonly RgbImage[]): tf.Tensor4D {
  const { width: w, height: h } = images[0];
  const n = w * h * 3;
  const data = new Float32Array(images.length * n);
  images.forEach((im, b) => {
    if (im.width !== w || im.height !== h) {
      throw new RangeError(`batch images differ in size: ${im.width}x${im.height} vs ${w}x${h}`);
    }
    for (let i = 0; i < n; i++) data[b * n + i] = im.data[i] / 255;
  });
  return tf.tensor4d(data, [images.length, h, w, 3]);
}
