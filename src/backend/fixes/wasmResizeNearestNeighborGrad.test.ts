import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';
import { wasmResizeNearestNeighborGradFix } from './wasmResizeNearestNeighborGrad';

interface Case {
  shape: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}
const CASES: Case[] = [
  { shape: [3, 4, 5, 6], size: [8, 10], alignCorners: false, halfPixelCenters: false }, // nn.Upsample 2x
  { shape: [1, 5, 3, 16], size: [7, 9], alignCorners: false, halfPixelCenters: false }, // odd scales
  { shape: [2, 6, 4, 3], size: [4, 3], alignCorners: false, halfPixelCenters: false }, // downscale
  { shape: [3, 5, 7, 2], size: [9, 11], alignCorners: true, halfPixelCenters: false },
  { shape: [3, 6, 5, 3], size: [4, 9], alignCorners: false, halfPixelCenters: true },
];
const STOCK_WRONG = CASES[4]; // stock ignores halfPixelCenters

/**
 * Truth from the wasm forward itself: resizing an image whose values are the flat cell indices shows which
 * input cell feeds each output cell; dx sums dy over them (float64).
 */
function truth(c: Case, dy: Float32Array): Float64Array {
  const [B, H, W, C] = c.shape;
  const ids = read(() =>
    tf.image.resizeNearestNeighbor(tf.tensor4d(Float32Array.from({ length: B * H * W }, (_, i) => i), [B, H, W, 1]),
      c.size, c.alignCorners, c.halfPixelCenters),
  );
  const dx = new Float64Array(B * H * W * C);
  ids.forEach((id, o) => {
    for (let d = 0; d < C; d++) dx[id * C + d] += dy[o * C + d];
  });
  return dx;
}

const grad = (c: Case, x: Float32Array, dy: Float32Array) =>
  read(() =>
    tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters),
        tf.tensor4d(dy, [c.shape[0], ...c.size, c.shape[3]]))),
    )(tf.tensor4d(x, c.shape)),
  );

describe('wasm ResizeNearestNeighborGrad fix', () => {
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  const data = (c: Case) => {
    const rand = seededRandom(61);
    const x = uniform(rand, tf.util.sizeFromShape(c.shape));
    return { x, dy: uniform(rand, c.shape[0] * c.size[0] * c.size[1] * c.shape[3]) };
  };

  it.each(CASES)('$shape -> $size, alignCorners $alignCorners, halfPixelCenters $halfPixelCenters: forward transposed', (c) => {
    const { x, dy } = data(c);
    const ours = grad(c, x, dy);
    expect(maxAbsDiff(ours, truth(c, dy))).toBeLessThanOrEqual(1e-6);
    if (c === STOCK_WRONG) return;
    const stock = withStockKernel(wasmResizeNearestNeighborGradFix, () => grad(c, x, dy));
    expect(maxAbsDiff(ours, stock)).toBeLessThanOrEqual(1e-6);
  });

  it('stock tfjs 4.22 wasm ignores halfPixelCenters (drop that claim from the fix when this fails)', () => {
    const { x, dy } = data(STOCK_WRONG);
    const stock = withStockKernel(wasmResizeNearestNeighborGradFix, () => grad(STOCK_WRONG, x, dy));
    expect(maxAbsDiff(stock, truth(STOCK_WRONG, dy))).toBeGreaterThan(0.1);
  });
});
