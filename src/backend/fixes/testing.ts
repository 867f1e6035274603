// Helpers for the fix tests only (not imported by production code).
import * as tf from '@tensorflow/tfjs';
import { installFix, stockKernel, type KernelFix } from './kernelFix';

/** mulberry32: small seeded generator, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n floats uniform in [lo, hi), rounded to float32. */
export function uniform(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Runs `fn` with tfjs's stock kernel registered instead of `fix` (or with no kernel at all when tfjs has
 * none), then reinstalls the fix. Lets a test prove the stock kernel is still wrong.
 */
export function withStockKernel<T>(fix: KernelFix, fn: () => T): T {
  installFix(fix); // make sure the stock kernel has been recorded
  const stock = stockKernel(fix);
  tf.unregisterKernel(fix.kernelName, fix.backendName);
  if (stock) {
    tf.registerKernel(stock);
    // setupFunc runs only at backend init; if the fix was registered then, the stock kernel never got it.
    if (tf.getBackend() === fix.backendName) stock.setupFunc?.(tf.backend());
  }
  try {
    return fn();
  } finally {
    if (stock) tf.unregisterKernel(fix.kernelName, fix.backendName);
    installFix(fix);
  }
}

/**
 * Builds a tensor inside tf.tidy, reads it and disposes it. (Returning a typed array from tf.tidy itself
 * makes tidy walk every element looking for tensors: seconds for a few million values.)
 */
export function read(make: () => tf.Tensor): tf.backend_util.TypedArray {
  const t = tf.tidy(make);
  try {
    return t.dataSync();
  } finally {
    t.dispose();
  }
}
