// The optimizer's flat ops (flatOps.ts) on cpu: the SGD step and the EMA are the ops of sgd.ts / ema.ts in their
// order with float32 rounding at every step (the contract the webgpu kernels match bit for bit,
// e2e/webgpuKernels.spec.ts), the sum of squares is Σx², and registered kernels are what runs when there are some.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { FLAT_EMA, flatEma, flatSgdStep, flatSumSquares } from './flatOps';

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(() => {
  if (tf.getKernel(FLAT_EMA, 'cpu')) tf.unregisterKernel(FLAT_EMA, 'cpu');
});

const f = Math.fround;
const g = [0.25, -1.5, 3e-3];
const w = [0.1, -0.02, 0.7];
const mom = [0, 0.5, -0.125];

describe('flatSgdStep', () => {
  for (const nesterov of [true, false]) {
    it(`is torch's SGD (clip, decay, momentum${nesterov ? ', nesterov' : ''}) in float32, step by step`, async () => {
      const a = { lr: 0.01, momentum: 0.937, weightDecay: 5e-4, nesterov };
      const [w2, buf] = tf.tidy(() => flatSgdStep(tf.tensor1d(g), tf.tensor1d(w), tf.tensor1d(mom), tf.scalar(0.5), a));
      const want = g.map((gi, i) => {
        const gc = f(gi * 0.5);
        const d = f(gc + f(w[i] * f(a.weightDecay)));
        const b = f(f(mom[i] * f(a.momentum)) + d);
        const step = nesterov ? f(d + f(b * f(a.momentum))) : b;
        return [f(w[i] - f(step * f(a.lr))), b];
      });
      expect(Array.from(await w2.data())).toEqual(want.map((x) => x[0]));
      expect(Array.from(await buf.data())).toEqual(want.map((x) => x[1]));
      tf.dispose([w2, buf]);
    });
  }

  it('refuses momentum 0 (no momentum buffer to carry)', () => {
    expect(() => tf.tidy(() => flatSgdStep(tf.tensor1d(g), tf.tensor1d(w), tf.tensor1d(mom), null,
      { lr: 0.01, momentum: 0, weightDecay: 0, nesterov: false }))).toThrow(/momentum 0/);
  });
});

describe('flatEma and flatSumSquares', () => {
  it('ema·d + model·keep in float32; Σx²', async () => {
    const [e, s] = tf.tidy(() => [flatEma(tf.tensor1d(w), tf.tensor1d(g), { d: 0.3, keep: 0.7 }), flatSumSquares(tf.tensor1d(g))]);
    expect(Array.from(await e.data())).toEqual(w.map((wi, i) => f(f(wi * f(0.3)) + f(g[i] * f(0.7)))));
    expect((await s.data())[0]).toBeCloseTo(g.reduce((t, v) => t + v * v, 0), 6);
    tf.dispose([e, s]);
  });

  it('runs the backend kernel when one is registered', async () => {
    let called = 0;
    tf.registerKernel({
      kernelName: FLAT_EMA,
      backendName: 'cpu',
      kernelFunc: ({ backend }) => {
        called += 1;
        return (backend as unknown as { makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo })
          .makeTensorInfo([3], 'float32', new Float32Array([9, 9, 9]));
      },
    });
    const e = tf.tidy(() => flatEma(tf.tensor1d(w), tf.tensor1d(g), { d: 0.3, keep: 0.7 }));
    expect(Array.from(await e.data())).toEqual([9, 9, 9]);
    expect(called).toBe(1);
    e.dispose();
  });
});
