// Gradient bookkeeping between backward passes and optimizer steps: accumulation across batches (torch's .grad +=
// until optimizer.zero_grad()) and clip_grad_norm_, computed on the device without reading anything back.
import * as tf from '@tensorflow/tfjs';
import type { Grads, Optimizer } from './optimizer';

/**
 * torch.nn.utils.clip_grad_norm_(params, max_norm) (1.13): total = ||(||g_1||, ..., ||g_n||)||_2,
 * coef = min(max_norm / (total + 1e-6), 1), every g scaled by coef. Returns new tensors (the caller disposes them
 * and the inputs) and the total norm as a scalar still on the device, for logging when convenient.
 */
export function clipGradNorm(grads: Grads, maxNorm = 10): { grads: Map<tf.Variable, tf.Tensor>; totalNorm: tf.Scalar } {
  const vars = [...grads.keys()];
  const [totalNorm, ...clipped] = tf.tidy(() => {
    if (vars.length === 0) return [tf.scalar(0)];
    // Each tensor's own 2-norm first, then the norm of those: the same two-stage reduction as torch.
    const norms = vars.map((v) => tf.norm(grads.get(v)!));
    const total = tf.norm(tf.stack(norms)) as tf.Scalar;
    const coef = tf.minimum(tf.div(maxNorm, tf.add(total, 1e-6)), 1);
    return [total, ...vars.map((v) => tf.mul(grads.get(v)!, coef))];
  });
  return { grads: new Map(vars.map((v, i) => [v, clipped[i]])), totalNorm: totalNorm as tf.Scalar };
}

/**
 * Sums gradients over the batches between two optimizer steps, as `.grad` accumulates over backward() calls in
 * torch. Holds its own tensors: the caller may dispose what it passes to `add`. `reset` is optimizer.zero_grad().
 */
export class GradAccumulator {
  private readonly sums = new Map<tf.Variable, tf.Tensor>();
  private batches = 0;

  add(grads: Grads): void {
    for (const [v, g] of grads) {
      const prev = this.sums.get(v);
      this.sums.set(v, prev ? tf.add(prev, g) : tf.clone(g));
      prev?.dispose();
    }
    this.batches += 1;
  }

  /** Backward passes summed since the last reset. */
  get count(): number {
    return this.batches;
  }

  /** The summed gradients (owned by the accumulator until reset). */
  get grads(): Grads {
    return this.sums;
  }

  reset(): void {
    tf.dispose([...this.sums.values()]);
    this.sums.clear();
    this.batches = 0;
  }
}

/**
 * train.py's optimizer step: clip the accumulated gradients to total norm `maxNorm`, optimizer.step(),
 * optimizer.zero_grad(). Returns the pre-clip total norm, on the device (dispose it).
 */
export function clipAndStep(optimizer: Optimizer, acc: GradAccumulator, maxNorm = 10): tf.Scalar {
  if (optimizer.clipAndStep) {
    // The multi-tensor path clips inside its own flat pass.
    try {
      return optimizer.clipAndStep(acc.grads, maxNorm);
    } finally {
      acc.reset();
    }
  }
  const { grads, totalNorm } = clipGradNorm(acc.grads, maxNorm);
  try {
    optimizer.step(grads);
  } catch (e) {
    totalNorm.dispose();
    throw e;
  } finally {
    tf.dispose([...grads.values()]);
    acc.reset();
  }
  return totalNorm;
}
