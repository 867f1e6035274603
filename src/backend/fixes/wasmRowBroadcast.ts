import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, type KernelFix } from './kernelFix';
import { heapOffset, simdKernels, type RowOp } from './simdKernels';

// Speed: tfjs 4.22's wasm Add, Sub and Multiply (XNNPACK) take 1.6-2.3x the time of a same-shape op when one
// side is a per-channel vector broadcast over NHWC activations with 16-32 channels: the batch-norm affine
// transform and its gradients do this ~150 times per yolov5n training step. That case, x (rows, C) with a
// vector of C values (shape [C] or [1, ..., 1, C]), runs in wasm SIMD (simdKernels rowOp) at the speed of a
// scalar op; the arithmetic is the same IEEE float32 lane operation, so results are bit-identical. Every other
// case (other broadcasts, dtypes, C not a multiple of 4, small tensors, no SIMD) goes to the stock kernel.

/** Below this many elements the stock kernel is as fast. */
const MIN_SIZE = 1 << 14;

/** [big, vector, vectorFirst] when one input is a row vector broadcast along the other's leading axes. */
function rowBroadcast(a: tf.TensorInfo, b: tf.TensorInfo): [tf.TensorInfo, tf.TensorInfo, boolean] | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const isRow = (v: tf.TensorInfo, big: tf.TensorInfo) => {
    const c = big.shape[big.shape.length - 1];
    return (
      v.shape.length >= 1 &&
      v.shape.length <= big.shape.length &&
      v.shape[v.shape.length - 1] === c &&
      v.shape.slice(0, -1).every((d) => d === 1) &&
      c % 4 === 0 &&
      tf.util.sizeFromShape(big.shape) >= MIN_SIZE &&
      tf.util.sizeFromShape(big.shape) > c
    );
  };
  if (isRow(b, a)) return [a, b, false];
  if (isRow(a, b)) return [b, a, true];
  return null;
}

function rowKernel(kernelName: string, ops: { vectorLast: RowOp; vectorFirst: RowOp }): KernelFix {
  const fix: KernelFix = {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const wasm = args.backend as BackendWasm;
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const match = rowBroadcast(a, b);
      const simd = match ? simdKernels(wasm) : null;
      if (!match || !simd) return runStock(fix, args);
      const [big, vec, vectorFirst] = match;
      const cols = big.shape[big.shape.length - 1];
      const out = wasm.makeOutput(big.shape, 'float32');
      const run = simd[`row_${vectorFirst ? ops.vectorFirst : ops.vectorLast}`];
      run(heapOffset(wasm, big.dataId), tf.util.sizeFromShape(big.shape) / cols, cols, heapOffset(wasm, vec.dataId),
        heapOffset(wasm, out.dataId));
      return out;
    },
  };
  return fix;
}

export const wasmAddFix = rowKernel(tf.Add, { vectorLast: 'add', vectorFirst: 'add' });
export const wasmSubFix = rowKernel(tf.Sub, { vectorLast: 'sub', vectorFirst: 'rsub' });
export const wasmMultiplyFix = rowKernel(tf.Multiply, { vectorLast: 'mul', vectorFirst: 'mul' });
