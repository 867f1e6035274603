// The multi-tensor optimizer's element-wise chains over flat (n,) buffers as single ops, so a backend can run each
// as one kernel instead of a dispatch per multiply and add (src/backend/fixes/webgpuFlatOps.ts on WebGPU: one
// pass over the buffers, bit-identical to the ops below). Elsewhere the ops themselves run; their order is
// sgd.ts's and ema.ts's, so the per-tensor and flat paths agree element for element.
import * as tf from '@tensorflow/tfjs';

/** Kernel names (ours, not tfjs's). */
export const FLAT_SGD_STEP = 'YoloFlatSgdStep';
export const FLAT_EMA = 'YoloFlatEma';
export const FLAT_SUM_SQUARES = 'YoloFlatSumSquares';

/** One SGD group's step with momentum != 0: inputs { g, w, mom (n,), coef? () }, outputs [w' (n,), mom' (n,)]. */
export interface FlatSgdAttrs { lr: number; momentum: number; weightDecay: number; nesterov: boolean }

/** ema' = ema·d + model·keep: inputs { ema, model (n,) }, output (n,). */
export interface FlatEmaAttrs { d: number; keep: number }

function has(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * torch's SGD step over one group's flat buffers: g·coef (clip), + w·weightDecay, buf = mom·momentum + d,
 * d = d + buf·momentum (nesterov) or buf, w − d·lr. Returns [w', buf]. `ops: true` forces the ops (tests compare).
 * Call inside a tidy.
 */
export function flatSgdStep(g: tf.Tensor1D, w: tf.Tensor1D, mom: tf.Tensor1D, coef: tf.Scalar | null, a: FlatSgdAttrs,
  ops = false): [tf.Tensor1D, tf.Tensor1D] {
  if (a.momentum === 0) throw new RangeError('flatSgdStep: momentum 0 has no momentum buffer (use the plain update)');
  if (!ops && has(FLAT_SGD_STEP)) {
    const inputs: tf.NamedTensorMap = coef ? { g, w, mom, coef } : { g, w, mom };
    return tf.engine().runKernel(FLAT_SGD_STEP, inputs, a as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor1D, tf.Tensor1D];
  }
  const gc = coef ? tf.mul(g, coef) : g;
  let d: tf.Tensor = a.weightDecay !== 0 ? tf.add(gc, tf.mul(w, a.weightDecay)) : gc;
  const buf = tf.add(tf.mul(mom, a.momentum), d);
  d = a.nesterov ? tf.add(d, tf.mul(buf, a.momentum)) : buf;
  return [tf.sub(w, tf.mul(d, a.lr)) as tf.Tensor1D, buf as tf.Tensor1D];
}

/** ema·d + model·keep, element-wise over (n,) buffers (torch's in-place mul_ then add_). Call inside a tidy. */
export function flatEma(ema: tf.Tensor1D, model: tf.Tensor1D, a: FlatEmaAttrs, ops = false): tf.Tensor1D {
  if (!ops && has(FLAT_EMA)) return tf.engine().runKernel(FLAT_EMA, { ema, model }, a as unknown as tf.NamedAttrMap) as tf.Tensor1D;
  return tf.add(tf.mul(ema, a.d), tf.mul(model, a.keep));
}

/**
 * Σ x² of a flat buffer as a scalar. The kernel sums in another order than tf.sum (per-thread strides, then the
 * partials), so the two agree to float32 rounding, not bit for bit. Call inside a tidy.
 */
export function flatSumSquares(x: tf.Tensor1D, ops = false): tf.Scalar {
  if (!ops && has(FLAT_SUM_SQUARES)) return tf.engine().runKernel(FLAT_SUM_SQUARES, { x }, {}) as tf.Scalar;
  return tf.sum(tf.square(x));
}
