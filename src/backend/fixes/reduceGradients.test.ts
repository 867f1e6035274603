import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { meanGradConfig, sumGradConfig } from './reduceGradients';
import { maxAbsDiff, seededRandom, uniform } from './testing';

/** tfjs 4.22's own formulas: dy * ones(x.shape) (/ n). */
function stockGrad(x: tf.Tensor, dy: tf.Tensor, axis: number[], mean: boolean): tf.Tensor {
  const shape = x.shape.slice();
  for (const a of axis) shape[a] = 1;
  const t = tf.mul(tf.reshape(dy, shape), tf.ones(x.shape));
  return mean ? tf.div(t, axis.reduce((p, a) => p * x.shape[a], 1)) : t;
}

describe('Mean / Sum gradients by broadcasting', () => {
  it.each(['wasm', 'cpu'] as const)('equal tfjs 4.22 formulas bit for bit on %s, also via tf.grad', async (backend) => {
    await initBackend({ prefer: backend });
    const rand = seededRandom(81);
    const xs = uniform(rand, 2 * 3 * 4 * 5);
    const cases: [number[], number[]][] = [[[0, 1, 2], [5]], [[1], [2, 4, 5]], [[0, 3], [3, 4]]];
    for (const [axis, dyShape] of cases) {
      const dys = uniform(rand, tf.util.sizeFromShape(dyShape));
      tf.tidy(() => {
        const x = tf.tensor(xs, [2, 3, 4, 5]);
        const dy = tf.tensor(dys, dyShape);
        for (const [config, mean] of [[meanGradConfig, true], [sumGradConfig, false]] as const) {
          const ours = config.gradFunc(dy, [x], { axis, keepDims: false } as unknown as tf.NamedAttrMap) as {
            x: () => tf.Tensor;
          };
          expect(maxAbsDiff(ours.x().dataSync(), stockGrad(x, dy, axis, mean).dataSync())).toBe(0);
        }
        // Through the registered gradient: d/dx sum(mean(x, axis) * dy) = broadcast dy / n.
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, axis), dy)))(x);
        expect(maxAbsDiff(g.dataSync(), stockGrad(x, dy, axis, true).dataSync())).toBe(0);
      });
    }
  });
});
