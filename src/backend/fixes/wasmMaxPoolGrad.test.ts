import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';
import { wasmMaxPoolGradFix } from './wasmMaxPoolGrad';

interface Case {
  name: string;
  shape: [number, number, number, number];
  k: number;
  s: number;
  pad: 'same' | 'valid' | number;
  lo: number; // x ~ U[lo, hi), rounded to `step` when set so windows hold ties
  hi: number;
  step?: number;
}
const SPPF_NEG: Case = { name: 'SPPF k5 s1 same, all <= 0', shape: [1, 7, 9, 5], k: 5, s: 1, pad: 'same', lo: -3, hi: -0.1 };
const CASES: Case[] = [
  SPPF_NEG,
  { name: 'SPPF k5 s1 pad 2, ties, all <= 0', shape: [3, 6, 6, 6], k: 5, s: 1, pad: 2, lo: -2, hi: 0.01, step: 0.5 },
  { name: 'k3 s2 same, ties, mixed sign', shape: [3, 9, 7, 5], k: 3, s: 2, pad: 'same', lo: -1, hi: 1, step: 0.25 },
  { name: 'k2 s2 valid, batch 3', shape: [3, 8, 8, 3], k: 2, s: 2, pad: 'valid', lo: -1, hi: 1 },
];

function inputs(c: Case, seed: number) {
  const rand = seededRandom(seed);
  const x = uniform(rand, tf.util.sizeFromShape(c.shape), c.lo, c.hi);
  if (c.step) x.forEach((v, i) => (x[i] = Math.round(v / c.step!) * c.step!));
  const info = tf.backend_util.computePool2DInfo(c.shape, c.k, c.s, 1, c.pad);
  const dy = uniform(rand, tf.util.sizeFromShape(info.outShape));
  return { x, dy, info };
}

/** Independent loop: each dy goes to the first maximum of its window (row-major), as tfjs's cpu kernel does. */
function truth(c: Case, x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo) {
  const [B, H, W, C] = c.shape;
  const dx = new Float64Array(x.length);
  const y = new Float64Array(dy.length);
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let r = 0; r < info.outHeight; r++)
      for (let q = 0; q < info.outWidth; q++)
        for (let d = 0; d < C; d++, o++) {
          let best = -Infinity;
          let arg = -1;
          for (let i = r * c.s - info.padInfo.top; i < r * c.s - info.padInfo.top + c.k; i++)
            for (let j = q * c.s - info.padInfo.left; j < q * c.s - info.padInfo.left + c.k; j++) {
              if (i < 0 || i >= H || j < 0 || j >= W) continue;
              const at = ((b * H + i) * W + j) * C + d;
              if (x[at] > best) [best, arg] = [x[at], at];
            }
          y[o] = best;
          dx[arg] += dy[o];
        }
  return { y, dx };
}

function run(c: Case, x: Float32Array, dy: Float32Array) {
  const outShape = tf.backend_util.computePool2DInfo(c.shape, c.k, c.s, 1, c.pad).outShape;
  const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.k, c.s, c.pad);
  return {
    y: read(() => pool(tf.tensor4d(x, c.shape))),
    dx: read(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t), tf.tensor(dy, outShape))))(tf.tensor4d(x, c.shape))),
  };
}

describe('wasm MaxPoolGrad fix', () => {
  // Some tests switch backends; each starts from the one under test even if a previous one failed midway.
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it.each(CASES)('forward and gradient match the loop: $name', (c) => {
    const { x, dy, info } = inputs(c, 21);
    const want = truth(c, x, dy, info);
    const got = run(c, x, dy);
    expect(maxAbsDiff(got.y, want.y)).toBe(0);
    expect(maxAbsDiff(got.dx, want.dx)).toBeLessThanOrEqual(1e-5);
  });

  it.each(CASES)('wasm equals cpu, including tie-breaking (cpu sums in float64, we in float32): $name', async (c) => {
    const { x, dy } = inputs(c, 22);
    await initBackend({ prefer: 'cpu' });
    const cpu = run(c, x, dy);
    await initBackend({ prefer: 'wasm' });
    expect(maxAbsDiff(run(c, x, dy).dx, cpu.dx)).toBeLessThanOrEqual(1e-6);
  });

  it('stock tfjs 4.22 kernel still drops the gradient of all-negative windows (delete the fix when this fails)', () => {
    const { x, dy, info } = inputs(SPPF_NEG, 23);
    const stock = withStockKernel(wasmMaxPoolGradFix, () => run(SPPF_NEG, x, dy).dx);
    expect(maxAbsDiff(stock, truth(SPPF_NEG, x, dy, info).dx)).toBeGreaterThan(0.1);
  });
});
