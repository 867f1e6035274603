// The optimizer's flat kernels (src/backend/fixes/webgpuFlatOps.ts) against the element-wise ops they replace
// (core/optim/flatOps.ts), for e2e/webgpuKernels.spec.ts: the SGD step and the EMA update must give the same
// float32 bits as the ops on webgpu and on cpu; the sum of squares (another summation order by design) must be
// within float32 rounding of the float64 sum.
import * as tf from '@tensorflow/tfjs';
import { FLAT_EMA, FLAT_SGD_STEP, FLAT_SUM_SQUARES, flatEma, flatSgdStep, flatSumSquares } from '../../src/core/optim/flatOps';
import { bitDiffs, readConcat, uniform } from './bits';
import type { FlatOpsCase, FlatOpsResult } from './protocol';

/** [w'; buf; ema'] for case `c` on `backend`, through the kernels (ops false) or the ops. */
async function run(backend: string, c: FlatOpsCase, seed: number, ops: boolean): Promise<Float32Array> {
  await tf.setBackend(backend);
  const ts = tf.tidy(() => {
    // Gradients, weights and momentum of training-like magnitudes; coef as flatClip makes it (a scalar).
    const g = tf.tensor1d(uniform(seed, c.n, -1, 1));
    const w = tf.tensor1d(uniform(seed + 1, c.n, -0.3, 0.3));
    const mom = tf.tensor1d(uniform(seed + 2, c.n, -0.5, 0.5));
    const coef = c.clip ? tf.scalar(0.37125) : null;
    const [w2, buf] = flatSgdStep(g, w, mom, coef, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay, nesterov: c.nesterov }, ops);
    const d = 0.9999 * (1 - Math.exp(-c.n / 2000));
    return [w2, buf, flatEma(w, w2, { d, keep: 1 - d }, ops)];
  });
  return readConcat(ts);
}

export async function checkFlatOps(cases: FlatOpsCase[]): Promise<FlatOpsResult> {
  const registered = [FLAT_SGD_STEP, FLAT_EMA, FLAT_SUM_SQUARES].every((k) => tf.getKernel(k, 'webgpu') !== undefined);
  const tensorsBefore = tf.memory().numTensors;
  try {
    const out: FlatOpsResult['cases'] = [];
    for (const [i, c] of cases.entries()) {
      const kernel = await run('webgpu', c, 10 * i, false);
      const opsWebgpu = await run('webgpu', c, 10 * i, true);
      const opsCpu = await run('cpu', c, 10 * i, true);
      // Σx² of the gradients: kernel (webgpu), tf.sum(tf.square) (webgpu), float64.
      const gs = uniform(10 * i, c.n, -1, 1);
      await tf.setBackend('webgpu');
      const [sk, so] = tf.tidy(() => { const g = tf.tensor1d(gs); return [flatSumSquares(g), flatSumSquares(g, true)]; });
      const [kernelSum, opsSum] = await readConcat([sk, so]);
      const exact = gs.reduce((s, v) => s + v * v, 0);
      out.push({
        ...c, values: kernel.length, vsWebgpuOps: bitDiffs(kernel, opsWebgpu), vsCpuOps: bitDiffs(kernel, opsCpu),
        sumSquares: { relVs64: Math.abs(kernelSum - exact) / exact, relOpsVs64: Math.abs(opsSum - exact) / exact },
      });
    }
    return { registered, cases: out, leakedTensors: tf.memory().numTensors - tensorsBefore };
  } finally {
    await tf.setBackend('webgpu');
  }
}
