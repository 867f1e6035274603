import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, type KernelFix } from './kernelFix';
import { copyRowsHeap } from './wasmHeap';

// Speed: tfjs 4.22's wasm Slice has loops for ranks 2-4 only; rank 5 and up go through a generic path that
// reads the whole input back into JS and copies element by element through index arithmetic. The loss slices
// rank-5 predictions (B, ny, nx, na, 5+nc): ~190 ms for one (16, 32, 32, 3, 8) -> (..., 1) slice. Here every
// rank is a set of evenly strided contiguous runs (wasmHeap.copyRowsHeap): trailing axes taken whole merge into
// the run, and leading axes taken whole into the row count.

export const slice: tf.KernelFunc = (args) => {
  const wasm = args.backend as BackendWasm;
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  if (x.dtype === 'string') return runStock(wasmSliceFix, args);
  const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
  const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const out = wasm.makeOutput(extent, x.dtype);
  const total = tf.util.sizeFromShape(extent);
  if (total === 0) return out;
  const rank = x.shape.length;
  const strides = [...tf.util.computeStrides(x.shape), 1]; // strides[d] = elements per step of axis d
  // Axes after k are taken whole, so axes k.. form one contiguous run per outer index.
  let k = rank - 1;
  while (k > 0 && extent[k] === x.shape[k]) k--;
  const run = extent[k] * strides[k];
  // Runs step along axis k-1 with one stride; while that axis is taken whole, the one before it continues the
  // same stride, so the rows merge. The remaining axes 0..rowAxis-1 are counted by an odometer.
  let rowAxis = k - 1;
  let rows = rowAxis >= 0 ? extent[rowAxis] : 1;
  const rowStride = rowAxis >= 0 ? strides[rowAxis] : run;
  while (rowAxis >= 1 && extent[rowAxis] === x.shape[rowAxis]) rows *= extent[--rowAxis];
  let src = 0;
  for (let d = 0; d < rank; d++) src += start[d] * strides[d];
  const idx = new Array<number>(Math.max(0, rowAxis)).fill(0);
  for (let dst = 0; dst < total; dst += rows * run) {
    copyRowsHeap(wasm, x, src, rowStride, out, dst, run, rows, run);
    for (let d = rowAxis - 1; d >= 0; d--) {
      src += strides[d];
      if (++idx[d] < extent[d]) break;
      src -= extent[d] * strides[d];
      idx[d] = 0;
    }
  }
  return out;
};

export const wasmSliceFix: KernelFix = { kernelName: tf.Slice, backendName: 'wasm', kernelFunc: slice };
