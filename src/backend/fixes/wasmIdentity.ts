import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, type KernelFix } from './kernelFix';

// Speed: tfjs 4.22's wasm Identity, and Cast to the dtype a tensor already has, copy the whole buffer. A
// training step runs ~2600 Identities (gradients of Add pass dy through) and ~600 float32 -> float32 Casts
// (Mul's gradient casts its other input) over activation-sized tensors: ~250 ms of copies per yolov5n step at
// 256 px, batch 16. Sharing the buffer is what the cpu backend and wasm's own Reshape do: tensors are
// immutable and the backend counts references per buffer, so the memory is freed with its last user.

function share(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const wasmIdentityFix: KernelFix = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    // Strings live in JS on wasm, not on the heap; the stock kernel copies them correctly.
    return x.dtype === 'string' ? runStock(wasmIdentityFix, args) : share(args.backend as BackendWasm, x);
  },
};

/**
 * Correctness: stock Cast to bool stores each value into a Uint8Array, so -2.2 becomes 254 and 3.5 becomes 3;
 * a bool is 1 for every non-zero value (NaN included), as on cpu.
 */
function castToBool(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  const xv = backend.typedArrayFromHeap(x);
  const ov = backend.typedArrayFromHeap(out);
  for (let i = 0; i < xv.length; i++) ov[i] = xv[i] !== 0 ? 1 : 0;
  return out;
}

export const wasmCastFix: KernelFix = {
  kernelName: tf.Cast,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const backend = args.backend as BackendWasm;
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (x.dtype === 'string' || dtype === 'string' || dtype === 'complex64') return runStock(wasmCastFix, args);
    if (dtype === x.dtype) return share(backend, x);
    return dtype === 'bool' ? castToBool(backend, x) : runStock(wasmCastFix, args);
  },
};
