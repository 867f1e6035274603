import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors';
import type { KernelFix } from './kernelFix';

// tfjs 4.22's wasm GatherV2 is wrong for batchDims > 0 (garbage rows, or "memory access out of bounds"),
// e.g. tf.gather(x, idx, 1, 1). A gather is a copy, so a JS kernel on the wasm heap costs little; it serves
// every batchDims. With x viewed as (batch, outer, dim, slice) and indices as (batch, n):
// out[b, o, i, :] = x[b, o, indices[b, i], :], out viewed as (batch, outer, n, slice).

const gatherV2: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
  if (x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') {
    throw new BackendError('KERNEL_UNSUPPORTED', `GatherV2 (wasm fix): x ${x.dtype}, indices ${indices.dtype}`);
  }
  const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x as tf.Tensor,
    indices as tf.Tensor,
    parsedAxis,
    batchDims,
  );
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const n = tf.util.sizeFromShape(indices.shape) / batchSize;

  const out = wasm.makeOutput(info.outputShape, x.dtype);
  const xv = wasm.typedArrayFromHeap(x);
  const iv = wasm.typedArrayFromHeap(indices);
  const ov = wasm.typedArrayFromHeap(out);
  let dst = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const xBase = (b * outerSize + o) * dimSize;
      for (let i = 0; i < n; i++, dst += sliceSize) {
        const idx = iv[b * n + i];
        if (idx < 0 || idx >= dimSize) {
          throw new BackendError('KERNEL_BAD_INPUT', `GatherV2: the index value ${idx} is not in [0, ${dimSize - 1}]`);
        }
        const src = (xBase + idx) * sliceSize;
        if (sliceSize < 32) {
          for (let j = 0; j < sliceSize; j++) ov[dst + j] = xv[src + j];
        } else {
          ov.set(xv.subarray(src, src + sliceSize), dst);
        }
      }
    }
  }
  return out;
};

export const wasmGatherV2Fix: KernelFix = {
  kernelName: tf.GatherV2,
  backendName: 'wasm',
  kernelFunc: gatherV2,
};
