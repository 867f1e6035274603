import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { gatherNdGradConfig, installGatherNdGradient } from './gatherNdGradient';
import { maxAbsDiff, read, seededRandom, uniform } from './testing';

const PARAMS: [number, number, number] = [5, 4, 3];
const IDX = [
  [1, 2],
  [4, 0],
  [1, 2], // repeated: its two dy rows must add up
  [0, 3],
];

/** Truth: dparams[i, j, :] += dy[r, :] for each index row r = (i, j). */
function truth(dy: Float32Array): Float64Array {
  const dx = new Float64Array(5 * 4 * 3);
  IDX.forEach(([i, j], r) => {
    for (let c = 0; c < 3; c++) dx[(i * 4 + j) * 3 + c] += dy[r * 3 + c];
  });
  return dx;
}

function grad(x: Float32Array, dy: Float32Array) {
  return read(() => {
    const dyT = tf.tensor2d(dy, [IDX.length, 3]);
    const f = (p: tf.Tensor) => tf.sum(tf.mul(tf.gatherND(p, tf.tensor2d(IDX, [IDX.length, 2], 'int32')), dyT));
    return tf.grad(f)(tf.tensor3d(x, PARAMS));
  });
}

describe('GatherNd gradient (absent from tfjs 4.22)', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it.each(['cpu', 'wasm'] as const)('matches the loop with repeated indices on %s', async (backend) => {
    await initBackend({ prefer: backend });
    const rand = seededRandom(61);
    const x = uniform(rand, 5 * 4 * 3);
    const dy = uniform(rand, IDX.length * 3);
    expect(maxAbsDiff(grad(x, dy), truth(dy))).toBeLessThanOrEqual(1e-6);
  });

  it('tfjs 4.22 has no GatherNd gradient of its own (delete the fix when this fails)', async () => {
    await initBackend({ prefer: 'cpu' });
    expect(tf.getGradient(tf.GatherNd)).toBe(gatherNdGradConfig); // ours, since tfjs registered none
    tf.unregisterGradient(tf.GatherNd);
    try {
      expect(() => grad(new Float32Array(60), new Float32Array(12))).toThrow(/gradient function not found for GatherNd/);
    } finally {
      installGatherNdGradient();
    }
  });
});
