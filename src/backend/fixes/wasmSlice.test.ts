import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { setSimdEnabled } from './simdKernels';
import { maxAbsDiff, read, seededRandom, uniform } from './testing';

interface Case {
  shape: number[];
  begin: number[];
  size: number[];
}
const CASES: Case[] = [
  { shape: [2, 4, 4, 3, 8], begin: [0, 0, 0, 0, 4], size: [-1, -1, -1, -1, 1] }, // the loss's rank-5 slice
  { shape: [2, 4, 4, 3, 8], begin: [1, 1, 0, 2, 0], size: [1, 2, -1, 1, -1] },
  { shape: [2, 3, 2, 2, 3, 5], begin: [0, 1, 0, 1, 1, 2], size: [2, 2, 2, 1, 2, 3] }, // rank 6
  { shape: [3, 5, 7, 6], begin: [1, 0, 2, 0], size: [2, 5, 3, 6] },
  { shape: [3, 5, 7, 6], begin: [0, 0, 0, 2], size: [3, 5, 7, 2] },
  { shape: [2, 3, 4, 20], begin: [0, 0, 0, 4], size: [2, 3, 4, 13] }, // SplitV's case: one strided copy of long runs
  { shape: [4, 6, 10], begin: [1, 2, 0], size: [2, 3, 10] },
  { shape: [9, 40], begin: [2, 3], size: [5, 37] }, // runs longer than the loop threshold
  { shape: [13], begin: [4], size: [6] },
  { shape: [4, 5], begin: [4, 0], size: [0, 5] }, // empty
];

describe('wasm Slice fix (every rank as contiguous runs)', () => {
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  const modes = [true, false].flatMap((simd) => CASES.map((c) => ({ ...c, simd })));
  it.each(modes)('shape $shape begin $begin size $size simd $simd: float32, int32, bool equal cpu exactly', async (c) => {
    const n = tf.util.sizeFromShape(c.shape);
    const x = uniform(seededRandom(31), n);
    const make = [
      () => tf.slice(tf.tensor(x, c.shape), c.begin, c.size),
      () => tf.slice(tf.tensor(Int32Array.from(x, (v) => Math.round(v * 1000)), c.shape, 'int32'), c.begin, c.size),
      () => tf.slice(tf.tensor(Uint8Array.from(x, (v) => (v > 0 ? 1 : 0)), c.shape, 'bool'), c.begin, c.size),
    ];
    const run = () => make.map((m) => ({ data: read(m), shape: tf.tidy(() => m().shape) }));
    setSimdEnabled(c.simd);
    const wasm = run();
    setSimdEnabled(true);
    await initBackend({ prefer: 'cpu' });
    const cpu = run();
    await initBackend({ prefer: 'wasm' });
    wasm.forEach((w, k) => {
      expect(w.shape).toEqual(cpu[k].shape);
      expect(maxAbsDiff(w.data, cpu[k].data)).toBe(0);
    });
  });

  it('strings still slice (stock path)', () => {
    const s = tf.tensor2d(['a', 'b', 'c', 'd'], [2, 2], 'string');
    const t = tf.slice(s, [1, 0], [1, 2]);
    expect(t.arraySync()).toEqual([['c', 'd']]);
    tf.dispose([s, t]);
  });

  it('the gradient of a rank-5 slice equals cpu', async () => {
    const x = uniform(seededRandom(32), 2 * 3 * 3 * 2 * 6);
    const f = (v: tf.Tensor) => tf.sum(tf.square(tf.slice(v, [0, 1, 0, 0, 2], [2, 2, 3, 2, 3])));
    const g = () => read(() => tf.grad(f)(tf.tensor(x, [2, 3, 3, 2, 6])));
    const wasm = g();
    await initBackend({ prefer: 'cpu' });
    const cpu = g();
    await initBackend({ prefer: 'wasm' });
    expect(maxAbsDiff(wasm, cpu)).toBe(0);
  });
});
