// The BN running-statistics kernel (src/backend/fixes/webgpuBnRunning.ts) against the seven element-wise ops it
// replaces (core/model/bnRunning.ts), for e2e/webgpuKernels.spec.ts: the float32 results must be the same bits,
// on webgpu (the ops on the same backend) and against cpu's ops; then BatchNorm2d's buffers after a few train-mode
// forwards with the kernel and with the ops.
import * as tf from '@tensorflow/tfjs';
import { installWebGpuBnRunning, uninstallWebGpuBnRunning } from '../../src/backend/fixes/webgpuBnRunning';
import { BN_RUNNING_UPDATE, bnRunningUpdate, type BnRunningAttrs } from '../../src/core/model/bnRunning';
import { BatchNorm2d } from '../../src/core/model/layers';
import { Registry } from '../../src/core/model/registry';
import { TorchGenerator } from '../../src/core/torchGenerator';
import { bitDiffs, readConcat, uniform } from './bits';
import type { BnRunningCase, BnRunningResult } from './protocol';

/** [runningMean'; runningVar'] for case `c` on `backend`, through the kernel (if registered) or the ops. */
async function updateOn(backend: string, c: BnRunningCase, seed: number, ops: boolean): Promise<Float32Array> {
  await tf.setBackend(backend);
  const ch = c.channels;
  const ts = tf.tidy(() => {
    // Buffers and statistics of several magnitudes, as a layer sees them (variances >= 0).
    const rm = tf.tensor1d(uniform(seed, ch, -c.scale, c.scale));
    const rv = tf.tensor1d(uniform(seed + 1, ch, 0, c.scale * c.scale));
    const mean = tf.tensor1d(uniform(seed + 2, ch, -c.scale, c.scale));
    const variance = tf.tensor1d(uniform(seed + 3, ch, 0, c.scale * c.scale));
    const attrs: BnRunningAttrs = { momentum: c.momentum, n: c.n };
    return bnRunningUpdate(rm, rv, mean, variance, attrs, ops);
  });
  return readConcat(ts);
}

/** BatchNorm2d's running buffers after `steps` train-mode forwards on webgpu (kernel or ops), read back. */
async function bnBuffersAfter(steps: number): Promise<Float32Array> {
  await tf.setBackend('webgpu');
  const bn = new BatchNorm2d(new Registry(new TorchGenerator(0)), 'bn', 13);
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const x = tf.tensor4d(uniform(70 + i, 3 * 5 * 7 * 13, -2 + i, 3 + i), [3, 5, 7, 13]);
      bn.apply(x, true);
    });
  }
  const out = await readConcat([bn.runningMean.clone(), bn.runningVar.clone()]);
  for (const v of [bn.weight, bn.bias, bn.runningMean, bn.runningVar]) v.dispose();
  return out;
}

export async function checkBnRunning(cases: BnRunningCase[]): Promise<BnRunningResult> {
  const registered = tf.getKernel(BN_RUNNING_UPDATE, 'webgpu') !== undefined;
  const tensorsBefore = tf.memory().numTensors;
  try {
    const out: BnRunningResult['cases'] = [];
    for (const [i, c] of cases.entries()) {
      const kernel = await updateOn('webgpu', c, 10 * i, false);
      const opsWebgpu = await updateOn('webgpu', c, 10 * i, true);
      const opsCpu = await updateOn('cpu', c, 10 * i, true);
      out.push({ ...c, vsWebgpuOps: bitDiffs(kernel, opsWebgpu), vsCpuOps: bitDiffs(kernel, opsCpu), values: kernel.length });
    }
    const withKernel = await bnBuffersAfter(3);
    uninstallWebGpuBnRunning();
    const withOps = await bnBuffersAfter(3);
    return {
      registered, cases: out, bnLayer: { bitDiffs: bitDiffs(withKernel, withOps), values: withKernel.length },
      leakedTensors: tf.memory().numTensors - tensorsBefore,
    };
  } finally {
    installWebGpuBnRunning();
    await tf.setBackend('webgpu');
  }
}
