import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';
import { wasmUnsortedSegmentSumFix } from './wasmUnsortedSegmentSum';

/** Truth: out[ids[i]] += x[i] over rows of `inner` values; ids outside [0, segments) dropped. */
function scatterRows(x: Float32Array, ids: number[], segments: number, inner: number): Float64Array {
  const out = new Float64Array(segments * inner);
  ids.forEach((s, i) => {
    if (s < 0 || s >= segments) return;
    for (let j = 0; j < inner; j++) out[s * inner + j] += x[i * inner + j];
  });
  return out;
}

const IDS = [0, 3, 3, 6, 1, 3, 0]; // repeats: the gradient must sum them
const X_ROWS = 7;

function gatherGrad(x: Float32Array, dy: Float32Array) {
  return read(() => {
    const dyT = tf.tensor2d(dy, [IDS.length, 5]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(IDS, 'int32')), dyT));
    return tf.grad(f)(tf.tensor2d(x, [X_ROWS, 5]));
  });
}

describe('wasm UnsortedSegmentSum fix (gradient of tf.gather)', () => {
  // Some tests switch backends; each starts from the one under test even if a previous one failed midway.
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('tf.gather gradient with repeated indices matches the loop', () => {
    const rand = seededRandom(41);
    const x = uniform(rand, X_ROWS * 5);
    const dy = uniform(rand, IDS.length * 5);
    expect(maxAbsDiff(gatherGrad(x, dy), scatterRows(dy, IDS, X_ROWS, 5))).toBeLessThanOrEqual(1e-6);
  });

  it('direct op with out-of-range ids matches the loop and cpu', async () => {
    const rand = seededRandom(42);
    const x = uniform(rand, 6 * 4);
    const ids = [0, 2, -1, 2, 5, 1]; // -1 and 5 (>= 4 segments) are dropped
    const run = () =>
      read(() => tf.unsortedSegmentSum(tf.tensor2d(x, [6, 4]), tf.tensor1d(ids, 'int32'), 4));
    const wasm = run();
    expect(maxAbsDiff(wasm, scatterRows(x, ids, 4, 4))).toBeLessThanOrEqual(1e-6);
    await initBackend({ prefer: 'cpu' });
    const cpu = run();
    await initBackend({ prefer: 'wasm' });
    expect(maxAbsDiff(wasm, cpu)).toBeLessThanOrEqual(1e-6);
  });

  it('stock tfjs 4.22 wasm has no UnsortedSegmentSum (delete the fix when this fails)', () => {
    const x = new Float32Array(X_ROWS * 5);
    const dy = new Float32Array(IDS.length * 5);
    expect(() => withStockKernel(wasmUnsortedSegmentSumFix, () => gatherGrad(x, dy))).toThrow(/UnsortedSegmentSum/);
  });
});
