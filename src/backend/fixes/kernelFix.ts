import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors';

/** A kernel we register in place of (or in addition to) tfjs 4.22's own for one backend. */
export interface KernelFix {
  kernelName: string;
  backendName: 'cpu' | 'wasm' | 'webgpu';
  kernelFunc: tf.KernelFunc;
}

const key = (fix: KernelFix): string => `${fix.backendName}_${fix.kernelName}`;
// What tfjs had registered before our first install (null: nothing), so tests can show the stock bug.
const stock = new Map<string, tf.KernelConfig | null>();

/** Registers `fix`, replacing whatever is there; a no-op when it is already ours. */
export function installFix(fix: KernelFix): void {
  const current = tf.getKernel(fix.kernelName, fix.backendName);
  if (current?.kernelFunc === fix.kernelFunc) return;
  if (!stock.has(key(fix))) stock.set(key(fix), current ?? null);
  if (current) tf.unregisterKernel(fix.kernelName, fix.backendName);
  // The stock kernel's setupFunc (wasm: binding its C++ function) runs only for kernels registered when the
  // backend initialises; ours carries it so that a fix can hand the cases it does not speed up to stock.
  const setupFunc = stock.get(key(fix))?.setupFunc;
  const { kernelName, backendName, kernelFunc } = fix;
  tf.registerKernel({ kernelName, backendName, kernelFunc, setupFunc });
}

/** Puts tfjs's own kernel back in place of `fix` (benchmarks compare the two in one run); a no-op if not ours. */
export function restoreStock(fix: KernelFix): void {
  const current = tf.getKernel(fix.kernelName, fix.backendName);
  if (current?.kernelFunc !== fix.kernelFunc) return;
  tf.unregisterKernel(fix.kernelName, fix.backendName);
  const config = stock.get(key(fix));
  if (config) tf.registerKernel(config);
}

/** Runs tfjs's own kernel for a case `fix` leaves to it. */
export function runStock(fix: KernelFix, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const config = stock.get(key(fix));
  if (!config) {
    const what = `${fix.kernelName} (${fix.backendName} fix)`;
    throw new BackendError('KERNEL_UNSUPPORTED', `${what}: no stock kernel to fall back to`);
  }
  return config.kernelFunc(args);
}

/** tfjs's own kernel that `fix` replaced: null if tfjs has none, undefined if the fix was never installed. */
export function stockKernel(fix: KernelFix): tf.KernelConfig | null | undefined {
  return stock.get(key(fix));
}
