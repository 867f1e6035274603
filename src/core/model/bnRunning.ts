// BatchNorm's running-statistics update as one op, so a backend can do it in one kernel per layer instead of the
// seven element-wise ops below (src/backend/fixes/webgpuBnRunning.ts: one WGSL dispatch on WebGPU, bit-identical
// to these ops). Elsewhere the ops themselves run.
//
//   runningMean = runningMean·(1 − momentum) + mean·momentum
//   runningVar  = runningVar·(1 − momentum) + (variance·n/(n − 1))·momentum      (PyTorch tracks the unbiased one)
// with every constant a float32 scalar and every product and sum rounded to float32, in this order.
import * as tf from '@tensorflow/tfjs';

/** Kernel name (ours, not tfjs's). inputs { runningMean, runningVar, mean, variance } (C) float32, attrs
 * BnRunningAttrs; outputs [runningMean (C), runningVar (C)], the new values. */
export const BN_RUNNING_UPDATE = 'YoloBnRunningUpdate';

export interface BnRunningAttrs {
  momentum: number;
  /** Values per channel behind `variance` (B·H·W): the unbiased estimate is variance·n/(n − 1). */
  n: number;
}

/** The constants the ops multiply by, as the float32 scalars tfjs makes of them: [1 − momentum, momentum, n/(n − 1)]. */
export function bnRunningConstants(a: BnRunningAttrs): [number, number, number] {
  return [Math.fround(1 - a.momentum), Math.fround(a.momentum), Math.fround(a.n / Math.max(a.n - 1, 1))];
}

function updateOps(rm: tf.Tensor, rv: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, a: BnRunningAttrs): [tf.Tensor, tf.Tensor] {
  const unbiased = tf.mul(variance, a.n / Math.max(a.n - 1, 1));
  return [
    tf.add(tf.mul(rm, 1 - a.momentum), tf.mul(mean, a.momentum)),
    tf.add(tf.mul(rv, 1 - a.momentum), tf.mul(unbiased, a.momentum)),
  ];
}

/**
 * The new [runningMean, runningVar] (C) from the old ones and a batch's mean and biased variance (C). Runs the
 * registered kernel where the backend has one, else the ops; `ops: true` forces the ops (tests compare the two).
 * Call inside a tidy; no gradient flows through it.
 */
export function bnRunningUpdate(runningMean: tf.Tensor, runningVar: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor,
  attrs: BnRunningAttrs, ops = false): [tf.Tensor, tf.Tensor] {
  if (!ops && tf.getKernel(BN_RUNNING_UPDATE, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(BN_RUNNING_UPDATE, { runningMean, runningVar, mean, variance },
      attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor];
  }
  return updateOps(runningMean, runningVar, mean, variance, attrs);
}
