import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapBuffer, heapOffset, simdKernels, type SimdKernels } from './simdKernels';
import { heapF32 } from './wasmHeap';
import { runStock, type KernelFix } from './kernelFix';

// Speed: tfjs 4.22's wasm Sum and Mean reduce only innermost axes; any other axes are first moved inward by
// a full transpose, which costs ~8x the reduction itself. A training step is full of per-channel reductions
// over (B, H, W) of NHWC activations (batch-norm moments, the gradients of broadcast adds and multiplies):
// ~350 of them, ~800 ms of a yolov5n step at 256 px, batch 16. When the reduced axes are one contiguous
// block that is not innermost, x is (outer, reduced, inner) and each output row is a sum of contiguous rows,
// read in order with no transpose: in wasm SIMD (simdKernels.colSum: float32 partial sums over 64 rows, then
// float64 totals) when inner is a multiple of 4, else in JS with float64 accumulators. Results round once to
// float32.

interface Block {
  outer: number;
  reduced: number;
  inner: number;
  outShape: number[];
}

/** (outer, reduced, inner) view of x for `axis`, or null when stock handles it as fast (innermost or scattered). */
function contiguousBlock(x: tf.TensorInfo, axis: number | number[], keepDims: boolean): Block | null {
  const rank = x.shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  if (axes.length === 0 || axes[axes.length - 1] - axes[0] !== axes.length - 1) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last === rank - 1) return null; // innermost: stock reduces in place
  const size = (lo: number, hi: number) => tf.util.sizeFromShape(x.shape.slice(lo, hi));
  const outShape = keepDims
    ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
    : x.shape.filter((_, i) => i < first || i > last);
  return { outer: size(0, first), reduced: size(first, last + 1), inner: size(last + 1, rank), outShape };
}

/** out[o, k] = (sum over r of x[o, r, k]) / divisor, for x (outer, reduced, inner). */
function reduceBlock(wasm: BackendWasm, x: tf.TensorInfo, blk: Block, divisor: number, kernel: string): tf.TensorInfo {
  const simd = blk.inner % 4 === 0 ? simdKernels(wasm) : null;
  if (simd) return reduceBlockSimd(wasm, simd, x, blk, divisor, kernel);
  const out = wasm.makeOutput(blk.outShape, 'float32');
  const xv = heapF32(wasm, x, kernel);
  const ov = heapF32(wasm, out, kernel);
  const { outer, reduced, inner } = blk;
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let r = 0;
    let row = o * reduced * inner;
    // Four rows per pass: a third of the accumulator traffic of one row at a time.
    for (; r + 4 <= reduced; r += 4, row += 4 * inner) {
      const r1 = row + inner;
      const r2 = r1 + inner;
      const r3 = r2 + inner;
      for (let k = 0; k < inner; k++) acc[k] += xv[row + k] + xv[r1 + k] + xv[r2 + k] + xv[r3 + k];
    }
    for (; r < reduced; r++, row += inner) {
      for (let k = 0; k < inner; k++) acc[k] += xv[row + k];
    }
    const dst = o * inner;
    for (let k = 0; k < inner; k++) ov[dst + k] = acc[k] / divisor;
  }
  return out;
}

/** reduceBlock with the column sums in wasm SIMD (simdKernels.colSum), float64 totals in a heap scratch. */
function reduceBlockSimd(
  wasm: BackendWasm, simd: SimdKernels, x: tf.TensorInfo, blk: Block, divisor: number, kernel: string,
): tf.TensorInfo {
  const { outer, reduced, inner } = blk;
  const out = wasm.makeOutput(blk.outShape, 'float32');
  const scratch = wasm.makeOutput([2 * inner + 1], 'float32'); // inner float64 totals, from an 8-byte boundary
  const xp = heapOffset(wasm, x.dataId);
  const sp = Math.ceil(heapOffset(wasm, scratch.dataId) / 8) * 8;
  for (let o = 0; o < outer; o++) {
    const totals = new Float64Array(heapBuffer(wasm), sp, inner);
    totals.fill(0);
    simd.colSum(xp + 4 * o * reduced * inner, reduced, inner, sp);
    const ov = heapF32(wasm, out, kernel);
    for (let k = 0; k < inner; k++) ov[o * inner + k] = totals[k] / divisor;
  }
  wasm.disposeData(scratch.dataId);
  return out;
}

function reduceKernel(name: string, mean: boolean): KernelFix {
  const fix: KernelFix = {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = (args.inputs as { x: tf.TensorInfo }).x;
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      const blk = x.dtype === 'float32' ? contiguousBlock(x, axis, keepDims) : null;
      if (!blk) return runStock(fix, args);
      return reduceBlock(args.backend as BackendWasm, x, blk, mean ? blk.reduced : 1, name);
    },
  };
  return fix;
}

export const wasmSumFix = reduceKernel(tf.Sum, false);
export const wasmMeanFix = reduceKernel(tf.Mean, true);
