import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';
import { wasmCastFix, wasmIdentityFix } from './wasmIdentity';

const heapIds = () => (tf.backend() as BackendWasm).numDataIds();

describe('wasm Identity / Cast fixes (shared buffers)', () => {
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('Identity and same-dtype Cast share the buffer; the data outlives the input and is freed with the last user', () => {
    const x = tf.tensor2d(uniform(seededRandom(11), 12), [3, 4]);
    const want = x.dataSync().slice();
    const before = heapIds();
    const a = tf.clone(x); // Identity
    const b = tf.cast(x, 'float32');
    expect(heapIds()).toBe(before);
    x.dispose();
    expect(maxAbsDiff(a.dataSync(), want)).toBe(0);
    a.dispose();
    expect(maxAbsDiff(b.dataSync(), want)).toBe(0);
    b.dispose();
    expect(heapIds()).toBe(before - 1);
  });

  it('Cast to another dtype still converts, strings still clone', () => {
    const x = tf.tensor1d([1.7, -2.2, 0, 3.5]);
    expect(Array.from(read(() => tf.cast(x, 'int32')))).toEqual([1, -2, 0, 3]);
    expect(Array.from(read(() => tf.cast(x, 'bool')))).toEqual([1, 1, 0, 1]);
    expect(Array.from(read(() => tf.cast(tf.tensor1d([NaN, -0, 5], 'float32'), 'bool')))).toEqual([1, 0, 1]);
    expect(Array.from(read(() => tf.cast(tf.tensor1d([-3, 0, 256], 'int32'), 'bool')))).toEqual([1, 0, 1]);
    const i = tf.tensor1d([3, 0], 'int32');
    expect(Array.from(read(() => tf.cast(i, 'int32')))).toEqual([3, 0]);
    expect(Array.from(read(() => tf.cast(i, 'float32')))).toEqual([3, 0]);
    const s = tf.tensor1d(['a', 'bc'], 'string');
    const c = tf.clone(s);
    s.dispose();
    expect(c.arraySync()).toEqual(['a', 'bc']);
    tf.dispose([x, i, c]);
  });

  it('gradients through add / mul (which run Identity and Cast) equal cpu, without leaking buffers', async () => {
    const rand = seededRandom(12);
    const xs = uniform(rand, 2 * 3 * 4);
    const ys = uniform(rand, 2 * 3 * 4);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.add(x, y), tf.add(tf.mul(x, y), 1)));
    const run = () => {
      const g = tf.tidy(() => tf.grads(f)([tf.tensor3d(xs, [2, 3, 4]), tf.tensor3d(ys, [2, 3, 4])]));
      const out = g.map((t) => t.dataSync().slice());
      tf.dispose(g);
      return out;
    };
    run();
    const before = heapIds();
    const wasm = run();
    expect(heapIds()).toBe(before);
    await initBackend({ prefer: 'cpu' });
    const cpu = run();
    await initBackend({ prefer: 'wasm' });
    wasm.forEach((g, k) => expect(maxAbsDiff(g, cpu[k])).toBeLessThanOrEqual(1e-6));
  });

  it('stock tfjs 4.22 wasm Cast to bool wraps instead of testing != 0 (drop that branch when this fails)', () => {
    const got = withStockKernel(wasmCastFix, () => read(() => tf.cast(tf.tensor1d([-2.2, 3.5]), 'bool')));
    expect(Array.from(got)).toEqual([254, 3]);
  });

  it('stock tfjs 4.22 wasm Identity and Cast copy (delete the fixes when this fails)', () => {
    const x = tf.tensor1d([1, 2, 3]);
    for (const [fix, op] of [
      [wasmIdentityFix, () => tf.clone(x)],
      [wasmCastFix, () => tf.cast(x, 'float32')],
    ] as const) {
      withStockKernel(fix, () => {
        const before = heapIds();
        const y = op();
        expect(heapIds()).toBe(before + 1);
        y.dispose();
      });
    }
    x.dispose();
  });
});
