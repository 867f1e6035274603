// BatchNorm's running-statistics update (core/model/bnRunning.ts) in one WGSL dispatch per layer instead of the
// seven element-wise ops (~400 dispatches per yolov5n step), bit-identical to those ops on the same backend: the
// same float32 constants (bnRunningConstants), the same products and sums in the same order. What could break
// that is a shader compiler contracting a·b + c·d into fma(a, b, c·d) (one rounding instead of two), which WGSL
// allows; each product therefore goes through `rounded`, an OR with a uniform 0 on its bits, which the compiler
// cannot see through, so the product is rounded to float32 before the sum as in the separate ops.
// The (2, C) result is split into the two new tensors by buffer copies (webgpuFlatCopy.ts), not dispatches.
// No value import of tfjs-backend-webgpu here: select.ts (also loaded in Node) pulls this file in.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { BN_RUNNING_UPDATE, bnRunningConstants, type BnRunningAttrs } from '../../core/model/bnRunning';
import { BackendError } from '../errors';
import { rowsOf, type Internals } from './webgpuFlatCopy';

class BnRunningProgram implements WebGPUProgram {
  variableNames = ['runningMean', 'runningVar', 'mean', 'variance'];
  uniforms = 'keep : f32, take : f32, unbias : f32, opaque : i32,'; // 1 − momentum, momentum, n/(n − 1), 0
  workgroupSize: [number, number, number] = [64, 1, 1];
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  outputShape: number[];
  shaderKey = 'yoloBnRunning';

  constructor(c: number) {
    this.outputShape = [2, c]; // [runningMean; runningVar]
    this.dispatch = [Math.ceil(c / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      fn rounded(v : f32) -> f32 { return bitcast<f32>(bitcast<i32>(v) | uniforms.opaque); }
      fn main(c : i32) {
        let C = uniforms.outShape[1];
        if (c < C) {
          result[c] = rounded(runningMean[c] * uniforms.keep) + rounded(mean[c] * uniforms.take);
          let unbiased = rounded(variance[c] * uniforms.unbias);
          result[C + c] = rounded(runningVar[c] * uniforms.keep) + rounded(unbiased * uniforms.take);
        }
      }
    `;
  }
}

const update: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
  const backend = be as WebGPUBackend;
  const ts = inputs as Record<'runningMean' | 'runningVar' | 'mean' | 'variance', tf.TensorInfo>;
  const c = ts.runningMean.shape[0];
  for (const [name, t] of Object.entries(ts)) {
    if (t.dtype !== 'float32' || t.shape.length !== 1 || t.shape[0] !== c) {
      throw new BackendError('KERNEL_UNSUPPORTED',
        `${BN_RUNNING_UPDATE} (webgpu): ${name} must be float32 (${c}) like runningMean, got ${t.dtype} [${t.shape}]`);
    }
  }
  const [keep, take, unbias] = bnRunningConstants(attrs as unknown as BnRunningAttrs);
  const both = backend.runWebGPUProgram(new BnRunningProgram(c), [ts.runningMean, ts.runningVar, ts.mean, ts.variance],
    'float32', [...[keep, take, unbias].map((v) => ({ type: 'float32', data: [v] })), { type: 'int32', data: [0] }]);
  const out = rowsOf(backend as unknown as Internals, both, c, 2);
  backend.disposeData(both.dataId);
  return out;
};

/** Registers the kernel for 'webgpu' (after tfjs-backend-webgpu is imported). Idempotent. */
export function installWebGpuBnRunning(): void {
  if (!tf.getKernel(BN_RUNNING_UPDATE, 'webgpu')) tf.registerKernel({ kernelName: BN_RUNNING_UPDATE, backendName: 'webgpu', kernelFunc: update });
}

/** Unregisters it: BatchNorm2d goes back to the seven element-wise ops (the bench's stock side). */
export function uninstallWebGpuBnRunning(): void {
  if (tf.getKernel(BN_RUNNING_UPDATE, 'webgpu')) tf.unregisterKernel(BN_RUNNING_UPDATE, 'webgpu');
}
