// Helpers of the bit-exactness checks (checkBnRunning.ts, checkFlatOps.ts): seeded data, reading tensors back
// into one array, and counting float32 elements whose bits differ.
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/core/rng';

/** n values uniform in [lo, hi) from a seeded generator, as float32. */
export function uniform(seed: number, n: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** Elements whose float32 bits differ (every element when the lengths differ). */
export function bitDiffs(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) n++;
  return n;
}

/** The tensors' values one after the other; disposes the tensors. */
export async function readConcat(ts: tf.Tensor[]): Promise<Float32Array> {
  const parts = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(ts);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
