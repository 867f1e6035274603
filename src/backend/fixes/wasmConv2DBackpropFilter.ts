import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors';
import { heapF32, transposeRows } from './wasmHeap';
import type { KernelFix } from './kernelFix';

// tfjs 4.22's wasm backend has no Conv2DBackpropFilter, so conv weights get no gradient on wasm.
// dW (K, co) with K = fh*fw*ci in HWIO order is col^T · dy, where col (M, K) is im2col of x over the
// M = B*outH*outW output positions and dy is (M, co). We build col in JS on the wasm heap, transpose dy
// (co <= K for almost every conv, so that is the cheaper side to transpose; wasm's transposeA matmul is
// ~10x slower than a plain one), run wasm's XNNPACK BatchMatMul (co, M)·(M, K) and transpose the small
// (co, K) result into the output. Rows are processed in chunks so a 640 px batch does not need a
// gigabyte-sized col matrix.

/** Upper bound on floats per chunk buffer (16 MB). */
const CHUNK_FLOATS = 1 << 22;

const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') {
    throw new BackendError('KERNEL_UNSUPPORTED', 'Conv2DBackpropFilter (wasm fix): dataFormat NCHW, only NHWC');
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const expected = [batchSize, outHeight, outWidth, co];
  if (dy.shape.some((s, i) => s !== expected[i])) {
    throw new BackendError(
      'KERNEL_UNSUPPORTED',
      `Conv2DBackpropFilter (wasm fix): dy shape [${dy.shape}] does not match conv output [${expected}]`,
    );
  }
  const K = fh * fw * ci;
  const M = batchSize * outHeight * outWidth;
  const rowsPerChunk = Math.max(1, Math.min(M, Math.floor(CHUNK_FLOATS / Math.max(K, co))));
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;

  const out = wasm.makeOutput(filterShape, 'float32'); // (fh, fw, ci, co) HWIO = (K, co)
  heapF32(wasm, out, 'Conv2DBackpropFilter').fill(0);
  for (let m0 = 0; m0 < M; m0 += rowsPerChunk) {
    const mc = Math.min(rowsPerChunk, M - m0);
    const dyT = wasm.makeOutput([co, mc], 'float32'); // (co, mc): dy rows m0..m0+mc, transposed
    const col = wasm.makeOutput([mc, K], 'float32'); // (mc, K): im2col rows
    transposeRows(heapF32(wasm, dy, 'Conv2DBackpropFilter'), heapF32(wasm, dyT, 'Conv2DBackpropFilter'), m0, mc, co);
    const xv = heapF32(wasm, x, 'Conv2DBackpropFilter');
    const cv = heapF32(wasm, col, 'Conv2DBackpropFilter');
    for (let i = 0; i < mc; i++) {
      const m = m0 + i;
      const ox = m % outWidth;
      const oy = Math.floor(m / outWidth) % outHeight;
      const b = Math.floor(m / (outWidth * outHeight));
      const ix0 = ox * sw - left;
      const rowInside = ix0 >= 0 && ix0 + fw <= inWidth; // whole kernel row lies inside x: one contiguous copy
      let dst = i * K;
      for (let kh = 0; kh < fh; kh++, dst += fw * ci) {
        const iy = oy * sh - top + kh;
        if (iy < 0 || iy >= inHeight) {
          cv.fill(0, dst, dst + fw * ci);
          continue;
        }
        const rowBase = (b * inHeight + iy) * inWidth;
        if (rowInside) {
          copy(xv, (rowBase + ix0) * ci, cv, dst, fw * ci);
          continue;
        }
        for (let kw = 0; kw < fw; kw++) {
          const ix = ix0 + kw;
          if (ix < 0 || ix >= inWidth) cv.fill(0, dst + kw * ci, dst + (kw + 1) * ci);
          else copy(xv, (rowBase + ix) * ci, cv, dst + kw * ci, ci);
        }
      }
    }
    const part = matMul({ inputs: { a: dyT, b: col }, backend, attrs: { transposeA: false, transposeB: false } });
    const partInfo = part as tf.TensorInfo; // (co, K)
    const pv = heapF32(wasm, partInfo, 'Conv2DBackpropFilter');
    const ov = heapF32(wasm, out, 'Conv2DBackpropFilter');
    for (let c = 0; c < co; c++) {
      for (let k = 0; k < K; k++) ov[k * co + c] += pv[c * K + k];
    }
    wasm.disposeData(dyT.dataId);
    wasm.disposeData(col.dataId);
    wasm.disposeData(partInfo.dataId);
  }
  return out;
};

/** Short runs (layer 0 has ci = 3) are faster as a loop than as subarray + set. */
function copy(src: Float32Array, s: number, dst: Float32Array, d: number, n: number): void {
  if (n < 64) {
    for (let j = 0; j < n; j++) dst[d + j] = src[s + j];
  } else {
    dst.set(src.subarray(s, s + n), d);
  }
}

export const wasmConv2DBackpropFilterFix: KernelFix = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
