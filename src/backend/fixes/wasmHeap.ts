import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors';

// Views into the wasm heap. Any allocation (makeOutput) may grow wasm memory and detach older views,
// so callers take views only after their last allocation of a step.

export function heapF32(backend: BackendWasm, t: tf.TensorInfo, kernel: string): Float32Array {
  if (t.dtype !== 'float32') {
    throw new BackendError('KERNEL_UNSUPPORTED', `${kernel} (wasm fix): expected float32, got ${t.dtype}`);
  }
  return backend.typedArrayFromHeap(t) as Float32Array;
}

export function heapI32(backend: BackendWasm, t: tf.TensorInfo, kernel: string): Int32Array {
  if (t.dtype !== 'int32') {
    throw new BackendError('KERNEL_UNSUPPORTED', `${kernel} (wasm fix): expected int32, got ${t.dtype}`);
  }
  return backend.typedArrayFromHeap(t) as Int32Array;
}

/** dst (n, rows) = rows r0..r0+rows of src (R, n), transposed. */
export function transposeRows(src: Float32Array, dst: Float32Array, r0: number, rows: number, n: number): void {
  for (let i = 0; i < rows; i++) {
    const s = (r0 + i) * n;
    for (let c = 0; c < n; c++) dst[c * rows + i] = src[s + c];
  }
}
