// Flat views of many tensors for the multi-tensor optimizer: gather N tensors into one 1-D buffer, scatter a 1-D
// buffer back into N tensors of given shapes. A backend may register the two kernels below to do this without
// compute dispatches (src/backend/fixes/webgpuFlatCopy.ts: buffer-to-buffer copies on WebGPU); elsewhere it is
// tf.concat / tf.split, which on cpu and wasm are plain memory copies anyway.
import * as tf from '@tensorflow/tfjs';
import { flatSumSquares } from './flatOps';

/** Kernel names (ours, not tfjs's): inputs = the tensors, output = (sum of sizes,) float32. */
export const FLAT_GATHER = 'YoloFlatGather';
/** inputs = { x: (n,) }, attrs = { shapes }, outputs = one tensor per shape, float32. */
export const FLAT_SCATTER = 'YoloFlatScatter';

export interface FlatScatterAttrs { shapes: number[][] }

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** (sum of sizes,) = the tensors' elements one after the other, row-major. Call inside a tidy. */
export function gatherFlat(ts: readonly tf.Tensor[]): tf.Tensor1D {
  if (ts.length === 1) return tf.reshape(ts[0], [-1]);
  if (hasKernel(FLAT_GATHER)) {
    return tf.engine().runKernel(FLAT_GATHER, ts as unknown as tf.NamedTensorMap, {}) as tf.Tensor1D;
  }
  return tf.concat(ts.map((t) => tf.reshape(t, [-1])), 0) as tf.Tensor1D;
}

/** The inverse of gatherFlat: consecutive pieces of `flat`, reshaped to `shapes`. Call inside a tidy. */
export function scatterFlat(flat: tf.Tensor1D, shapes: readonly number[][]): tf.Tensor[] {
  if (shapes.length === 1) return [tf.reshape(flat, shapes[0])];
  if (hasKernel(FLAT_SCATTER)) {
    const attrs: FlatScatterAttrs = { shapes: shapes.map((s) => [...s]) };
    return tf.engine().runKernel(FLAT_SCATTER, { x: flat }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  }
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  return tf.split(flat, sizes, 0).map((piece, i) => tf.reshape(piece, shapes[i]));
}

/**
 * A flat copy of some variables that stays valid while none of them is reassigned by anyone else: a tfjs
 * Variable's dataId changes on every assign, so comparing dataIds tells whether the cached flat still holds their
 * values without reading anything. Owns the flat tensor.
 */
export class FlatCache {
  private flat: tf.Tensor1D | null = null;
  private ids: object[] = [];

  constructor(readonly vars: readonly tf.Variable[]) {}

  /** The variables' values as one (n,) tensor: the cached one if still valid, else gathered now (kept). */
  get(): tf.Tensor1D {
    if (this.flat && this.vars.every((v, i) => v.dataId === this.ids[i])) return this.flat;
    this.flat?.dispose();
    this.flat = tf.keep(tf.tidy(() => gatherFlat(this.vars)));
    this.ids = this.vars.map((v) => v.dataId);
    return this.flat;
  }

  /** Replaces the variables by the pieces of `next` (kept as the new cache; the old flat is disposed). */
  write(next: tf.Tensor1D): void {
    tf.tidy(() => {
      const pieces = scatterFlat(next, this.vars.map((v) => v.shape));
      this.vars.forEach((v, i) => v.assign(pieces[i])); // the variables hold their own references
    });
    if (this.flat !== next) this.flat?.dispose();
    this.flat = tf.keep(next);
    this.ids = this.vars.map((v) => v.dataId);
  }

  dispose(): void {
    this.flat?.dispose();
    this.flat = null;
    this.ids = [];
  }
}

/**
 * clip_grad_norm_ over flat gradient buffers: total = sqrt(sum of squares of everything), coef = min(maxNorm /
 * (total + 1e-6), 1). One reduction per buffer instead of a norm per tensor, so total may differ from the
 * per-tensor two-stage norm by an ulp (a backend's sum-of-squares kernel also sums in its own order). No clip
 * (`maxNorm` null): coef null, total 0. Call inside a tidy.
 */
export function flatClip(gflat: readonly (tf.Tensor1D | null)[], maxNorm: number | null): { coef: tf.Scalar | null; total: tf.Scalar } {
  const present = gflat.filter((g): g is tf.Tensor1D => g !== null);
  if (maxNorm === null || present.length === 0) return { coef: null, total: tf.scalar(0) };
  const sumsq = present.map((g) => flatSumSquares(g));
  const total = tf.sqrt(sumsq.length === 1 ? sumsq[0] : tf.addN(sumsq)) as tf.Scalar;
  return { coef: tf.minimum(tf.div(maxNorm, tf.add(total, 1e-6)), 1) as tf.Scalar, total };
}
