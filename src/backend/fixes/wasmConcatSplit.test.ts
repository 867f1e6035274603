import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { setSimdEnabled } from './simdKernels';
import { maxAbsDiff, seededRandom, uniform } from './testing';

const rand = seededRandom(41);

/** Each case builds fresh tensors and returns the op's outputs (disposed by the caller). */
const CASES: [string, () => tf.Tensor[]][] = [];
const a = uniform(rand, 2 * 5 * 4 * 3);
const b = uniform(rand, 2 * 5 * 4 * 6);
const c = uniform(rand, 2 * 5 * 4 * 40);
const d = uniform(rand, 2 * 3 * 3 * 8);
const t = (v: Float32Array, shape: number[]) => tf.tensor(v, shape);
CASES.push(
  ['concat channels 3+6+40', () => [tf.concat([t(a, [2, 5, 4, 3]), t(b, [2, 5, 4, 6]), t(c, [2, 5, 4, 40])], 3)]],
  ['concat axis 1', () => [tf.concat([t(a, [2, 5, 4, 3]), t(a, [2, 5, 4, 3])], 1)]],
  ['concat axis 0', () => [tf.concat([t(a, [2, 5, 4, 3]), t(a.subarray(0, 60), [1, 5, 4, 3])], 0)]],
  ['concat with an empty input', () => [tf.concat([t(a, [2, 5, 4, 3]), tf.zeros([2, 5, 4, 0])], 3)]],
  ['concat int32', () => [tf.concat([tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6], [2, 1], 'int32')], 1)]],
  ['concat bool', () => [tf.concat([tf.tensor2d([1, 0, 1, 1], [2, 2], 'bool'), tf.tensor2d([0, 1], [2, 1], 'bool')], 1)]],
  ['split channels [16, 16]', () => tf.split(t(c.subarray(0, 2 * 5 * 4 * 32), [2, 5, 4, 32]), 2, 3)],
  ['split channels [3, 6, 40]', () => tf.split(t(Float32Array.from([...a, ...b, ...c]), [2, 5, 4, 49]), [3, 6, 40], 3)],
  ['split axis 1 with -1', () => tf.split(t(c, [2, 5, 4, 40]), [2, -1], 1)],
  ['gradient of concat / split', () => {
    const x = t(d, [2, 3, 3, 8]);
    return [tf.grad((v: tf.Tensor) => {
      const [p, q] = tf.split(v, 2, 3);
      return tf.sum(tf.mul(tf.concat([q, tf.square(p)], 3), tf.concat([p, q], 3)));
    })(x)];
  }],
);

describe('wasm Concat / SplitV fixes', () => {
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  const modes = [true, false].flatMap((simd) => CASES.map(([name, make]) => ({ name, make, simd })));
  it.each(modes)('$name, simd $simd: equals cpu', async ({ make, simd }) => {
    const run = () => {
      const outs = tf.tidy(make);
      const r = outs.map((o) => ({ shape: o.shape, dtype: o.dtype, data: o.dataSync().slice() }));
      tf.dispose(outs);
      return r;
    };
    setSimdEnabled(simd);
    const wasm = run();
    setSimdEnabled(true);
    await initBackend({ prefer: 'cpu' });
    const cpu = run();
    await initBackend({ prefer: 'wasm' });
    expect(wasm.map((o) => [o.shape, o.dtype])).toEqual(cpu.map((o) => [o.shape, o.dtype]));
    wasm.forEach((o, k) => expect(maxAbsDiff(o.data, cpu[k].data)).toBeLessThanOrEqual(1e-6));
  });
});
