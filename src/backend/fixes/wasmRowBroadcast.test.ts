import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { maxAbs, maxAbsDiff, seededRandom, uniform, withStockKernel } from './testing';
import { wasmAddFix, wasmMultiplyFix, wasmSubFix } from './wasmRowBroadcast';

const OPS = [
  ['add', tf.add, wasmAddFix],
  ['sub', tf.sub, wasmSubFix],
  ['mul', tf.mul, wasmMultiplyFix],
] as const;

interface Case {
  big: number[];
  vec: number[];
}
const CASES: Case[] = [
  { big: [4, 16, 16, 32], vec: [32] }, // SIMD: a per-channel vector
  { big: [2, 32, 32, 16], vec: [1, 1, 1, 16] }, // SIMD: keepDims statistics
  { big: [128, 132], vec: [1, 132] }, // SIMD: rank 2
  { big: [4, 16, 16, 6], vec: [6] }, // stock: 6 channels
  { big: [2, 4, 4, 32], vec: [32] }, // stock: small
  { big: [4, 16, 16, 32], vec: [16, 1, 32] }, // stock: not a row vector
];

describe('wasm Add / Sub / Multiply fixes (row-vector broadcasts)', () => {
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it.each(CASES)('big $big, vector $vec, either side: bit-identical to stock', (c) => {
    const rand = seededRandom(91);
    const xs = uniform(rand, tf.util.sizeFromShape(c.big), -3, 3);
    const vs = uniform(rand, tf.util.sizeFromShape(c.vec), -2, 2);
    for (const [name, f, fix] of OPS) {
      for (const vectorFirst of [false, true]) {
        const run = () =>
          tf.tidy(() => {
            const [x, v] = [tf.tensor(xs, c.big), tf.tensor(vs, c.vec)];
            const y = vectorFirst ? f(v, x) : f(x, v);
            return { shape: y.shape, data: y.dataSync().slice() };
          });
        const ours = run();
        const stock = withStockKernel(fix, run);
        expect(ours.shape, `${name} vectorFirst ${vectorFirst}`).toEqual(stock.shape);
        expect(maxAbsDiff(ours.data, stock.data), `${name} vectorFirst ${vectorFirst}`).toBe(0);
      }
    }
  });

  it('gradients of x * v + v - x equal cpu', async () => {
    const rand = seededRandom(92);
    const xs = uniform(rand, 4 * 16 * 16 * 32);
    const vs = uniform(rand, 32);
    const f = (x: tf.Tensor, v: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.add(tf.mul(x, v), v), x)));
    const run = () => {
      const g = tf.tidy(() => tf.grads(f)([tf.tensor4d(xs, [4, 16, 16, 32]), tf.tensor1d(vs)]));
      const out = g.map((t) => t.dataSync().slice());
      tf.dispose(g);
      return out;
    };
    const wasm = run();
    await initBackend({ prefer: 'cpu' });
    const cpu = run();
    await initBackend({ prefer: 'wasm' });
    wasm.forEach((g, k) => expect(maxAbsDiff(g, cpu[k]) / Math.max(1, maxAbs(cpu[k]))).toBeLessThanOrEqual(1e-5));
  });
});
