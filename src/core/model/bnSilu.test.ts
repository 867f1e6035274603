// bnSiluTrain's tf-ops path (what runs where no backend registers the fused kernels) against the autodiff path
// Conv uses on cpu: BatchNorm2d.apply(train) + SiLU, differentiated by the tape.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { createRng } from '../rng';
import { TorchGenerator } from '../torchGenerator';
import { bnSiluTrain, fusedBnSiluActive } from './bnSilu';
import { BatchNorm2d, BN_EPS } from './layers';
import { Registry } from './registry';

beforeAll(async () => {
  await useBackend('cpu');
});

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

function uniform(seed: number, n: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

interface Side { out: Float32Array; mean: Float32Array; variance: Float32Array; dy: Float32Array; dgamma: Float32Array; dbeta: Float32Array }

async function read(ts: tf.Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(ts);
  return out;
}

/** Both paths on one BatchNorm2d (weights set from the seed) for y (shape), loss = Σ out · r. */
async function bothPaths(shape: [number, number, number, number], seed: number): Promise<{ ref: Side; got: Side }> {
  const c = shape[3];
  const size = shape.reduce((a, b) => a * b, 1);
  const bn = new BatchNorm2d(new Registry(new TorchGenerator(seed)), 'bn', c);
  bn.weight.assign(tf.tensor1d(uniform(seed + 1, c, 0.5, 1.5)));
  bn.bias.assign(tf.tensor1d(uniform(seed + 2, c, -0.5, 0.5)));
  // Offset and scaled inputs: the variance must come from centred values.
  const y = tf.tensor4d(uniform(seed + 3, size, 1, 5), shape);
  const r = tf.tensor4d(uniform(seed + 4, size, -1, 1), shape);
  const g = bn.weight as tf.Tensor1D;
  const b = bn.bias as tf.Tensor1D;
  try {
    const refT = tf.tidy(() => {
      const silu = (t: tf.Tensor4D) => tf.mul(t, tf.sigmoid(t));
      // g and b are bn.weight and bn.bias, which apply reads itself.
      const { value, grads } = tf.valueAndGrads((yy) => tf.sum(tf.mul(silu(bn.apply(yy as tf.Tensor4D, true)), r)))([y, g, b]);
      value.dispose();
      // The statistics as the written-out ops compute them (apply's own are folded into the running averages).
      const mean = tf.mean(y, [0, 1, 2]);
      const variance = tf.mean(tf.square(tf.sub(y, tf.mean(y, [0, 1, 2], true))), [0, 1, 2]);
      return [silu(bn.apply(y, true)), mean, variance, ...grads];
    });
    const gotT = tf.tidy(() => {
      let stats: tf.Tensor[] = [];
      const { grads } = tf.valueAndGrads((yy, gg, bb) => {
        const res = bnSiluTrain(yy as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, BN_EPS);
        stats = [tf.keep(res.out), tf.keep(res.mean), tf.keep(res.variance)];
        return tf.sum(tf.mul(res.out, r));
      })([y, g, b]);
      return [...stats, ...grads];
    });
    const [out, mean, variance, dy, dgamma, dbeta] = await read(refT);
    const got = await read(gotT);
    return {
      ref: { out, mean, variance, dy, dgamma, dbeta },
      got: { out: got[0], mean: got[1], variance: got[2], dy: got[3], dgamma: got[4], dbeta: got[5] },
    };
  } finally {
    tf.dispose([y, r]);
  }
}

describe('bnSiluTrain (tf ops, cpu) vs BatchNorm2d.apply(train) + SiLU through autodiff', () => {
  it('is not what Conv uses on cpu (no fused kernels registered)', () => {
    expect(fusedBnSiluActive()).toBe(false);
  });

  // N = 1, odd channel counts, one large plane, batch 3.
  const shapes: [number, number, number, number][] = [[1, 1, 1, 3], [3, 7, 5, 13], [1, 32, 32, 16], [3, 4, 4, 48]];
  for (const [i, shape] of shapes.entries()) {
    it(`matches on y ${shape.join('x')}`, async () => {
      const { ref, got } = await bothPaths(shape, 10 * i);
      // Forward: the same ops in the same order.
      expect(maxDiff(got.out, ref.out)).toBe(0);
      expect(maxDiff(got.mean, ref.mean)).toBe(0);
      expect(maxDiff(got.variance, ref.variance)).toBe(0);
      // Backward: the closed form vs the tape's chain of ops, float32 rounding apart (relative to each scale).
      for (const k of ['dy', 'dgamma', 'dbeta'] as const) {
        // With one value per channel x̂ = 0 and BN's output is β whatever y is: dy and dγ are exactly 0 there.
        if (k === 'dbeta' || shape[0] * shape[1] * shape[2] > 1) expect(maxAbs(ref[k]), k).toBeGreaterThan(0);
        // Measured: dy 2.4e-7 (scale 1.4-1.6), dγ <= 4.2e-6 (scale 25), dβ <= 1.9e-6 (scale 21).
        expect(maxDiff(got[k], ref[k]), k).toBeLessThan(1e-6 * Math.max(1, maxAbs(ref[k])));
      }
    });
  }

  it('leaves no tensors behind, with and without the tape', () => {
    const y = tf.randomUniform([2, 3, 3, 5], -1, 1, 'float32', 1) as tf.Tensor4D;
    const g = tf.ones([5]) as tf.Tensor1D;
    const b = tf.zeros([5]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      bnSiluTrain(y, g, b, BN_EPS);
    });
    tf.tidy(() => {
      tf.grads((yy, gg, bb) => bnSiluTrain(yy as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, BN_EPS).out.sum())([y, g, b]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([y, g, b]);
  });
});
