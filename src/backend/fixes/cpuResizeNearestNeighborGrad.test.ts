import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { cpuResizeNearestNeighborGradFix } from './cpuResizeNearestNeighborGrad';
import { maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';

interface Case {
  name: string;
  shape: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}
const up2 = (name: string, shape: Case['shape']): Case => ({
  name,
  shape,
  size: [shape[1] * 2, shape[2] * 2],
  alignCorners: false,
  halfPixelCenters: false,
});
// YOLOv5's nn.Upsample(scale 2, nearest) is resizeNearestNeighbor(x, [2h, 2w], false, false).
const UP2_B1 = up2('2x upsample, batch 1', [1, 4, 5, 3]);
const UP2_B3 = up2('2x upsample, batch 3', [3, 4, 5, 6]);
const CASES: Case[] = [
  UP2_B1,
  UP2_B3,
  {
    name: 'alignCorners, odd sizes, batch 3',
    shape: [3, 5, 7, 2],
    size: [9, 11],
    alignCorners: true,
    halfPixelCenters: false,
  },
  {
    name: 'halfPixelCenters, mixed scale, batch 3',
    shape: [3, 6, 5, 3],
    size: [4, 9],
    alignCorners: false,
    halfPixelCenters: true,
  },
];

function inputs(c: Case, seed: number) {
  const rand = seededRandom(seed);
  const n = tf.util.sizeFromShape(c.shape);
  return { x: uniform(rand, n), dy: uniform(rand, c.shape[0] * c.size[0] * c.size[1] * c.shape[3]) };
}

/** Truth from the forward alone: resizing an image of flat indices tells which input feeds each output. */
function truth(c: Case, dy: Float32Array): Float64Array {
  const n = tf.util.sizeFromShape(c.shape);
  const indexImage = () => tf.range(0, n).reshape(c.shape) as tf.Tensor4D;
  const src = read(() => tf.image.resizeNearestNeighbor(indexImage(), c.size, c.alignCorners, c.halfPixelCenters));
  const dx = new Float64Array(n);
  src.forEach((s, o) => (dx[s] += dy[o]));
  return dx;
}

function grad(c: Case, x: Float32Array, dy: Float32Array) {
  return read(() => {
    const dyT = tf.tensor4d(dy, [c.shape[0], c.size[0], c.size[1], c.shape[3]]);
    const f = (t: tf.Tensor) =>
      tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, c.size, c.alignCorners, c.halfPixelCenters), dyT));
    return tf.grad(f)(tf.tensor4d(x, c.shape));
  });
}

describe('cpu ResizeNearestNeighborGrad fix', () => {
  // Some tests switch backends; each starts from the one under test even if a previous one failed midway.
  beforeEach(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it.each(CASES)('matches the forward-derived truth: $name', (c) => {
    const { x, dy } = inputs(c, 11);
    expect(maxAbsDiff(grad(c, x, dy), truth(c, dy))).toBeLessThanOrEqual(1e-5);
  });

  it('stock tfjs 4.22 kernel is still wrong for batch > 1 (delete the fix when this fails)', () => {
    const { x, dy } = inputs(UP2_B3, 12);
    const stock = withStockKernel(cpuResizeNearestNeighborGradFix, () => grad(UP2_B3, x, dy));
    expect(maxAbsDiff(stock, truth(UP2_B3, dy))).toBeGreaterThan(0.1);
  });

  it('wasm (whose stock kernel is right) agrees with cpu-with-fix on the 2x upsample', async () => {
    for (const c of [UP2_B1, UP2_B3]) {
      const { x, dy } = inputs(c, 13);
      await initBackend({ prefer: 'cpu' });
      const cpu = grad(c, x, dy);
      await initBackend({ prefer: 'wasm' });
      const wasm = grad(c, x, dy);
      expect(maxAbsDiff(cpu, wasm)).toBeLessThanOrEqual(1e-6);
    }
  });
});
