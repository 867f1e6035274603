import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, type KernelFix } from './kernelFix';
import { copyRowsHeap } from './wasmHeap';
import { slice } from './wasmSlice';

// Speed: tfjs 4.22's wasm Concat and SplitV copy one row per `subarray` + `set`, which allocates a view per
// row. C3 and SPPF concatenate and (in the backward pass) split along channels: rows of 16-64 floats, so a
// (16, 64, 64, 32) split costs ~20 ms. Rows are copied by wasmHeap.copyRowsHeap instead (SIMD, or a JS loop).

const concat: tf.KernelFunc = (args) => {
  const wasm = args.backend as BackendWasm;
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  if (inputs[0].dtype === 'string') return runStock(wasmConcatFix, args);
  const axis = tf.util.parseAxisParam((args.attrs as unknown as tf.ConcatAttrs).axis, inputs[0].shape)[0];
  const shapes = inputs.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const parts = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  const out = wasm.makeOutput(outShape, inputs[0].dtype);
  if (parts.length === 0) return out;
  // Each input is (outer, inner_i) and the output (outer, sum of inner_i).
  const outer = tf.util.sizeFromShape(parts[0].shape.slice(0, axis));
  const inner = parts.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  const total = inner.reduce((a, b) => a + b, 0);
  let col = 0;
  parts.forEach((t, i) => {
    copyRowsHeap(wasm, t, 0, inner[i], out, col, total, outer, inner[i]);
    col += inner[i];
  });
  return out;
};

const splitV: tf.KernelFunc = (args) => {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  if (x.dtype === 'string') return runStock(wasmSplitVFix, args);
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[ax] = s;
    const part = slice({ inputs: { x }, backend: args.backend, attrs: { begin: [...begin], size } }) as tf.TensorInfo;
    begin[ax] += s;
    return part;
  });
};

export const wasmConcatFix: KernelFix = { kernelName: tf.Concat, backendName: 'wasm', kernelFunc: concat };
export const wasmSplitVFix: KernelFix = { kernelName: tf.SplitV, backendName: 'wasm', kernelFunc: splitV };
