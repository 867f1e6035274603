import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors';
import { heapF32, transposeRows } from './wasmHeap';

// The general path of our wasm Conv2DBackpropInput (wasmConv2DBackpropInput.ts), for padding wider than the
// filter, which the phase-conv path does not take: col (M, K) = dy (M, co) · W^T (co, K) runs on XNNPACK's
// matmul, and col2im scatters each col row back onto the input positions its patch covered:
// dx[b, oy*s - top + kh, ox*s - left + kw, :] += col[m, kh, kw, :]. Rows are processed in chunks so a 640 px
// batch does not need a gigabyte-sized col matrix.

const CHUNK_FLOATS = 1 << 22;

export const conv2DBackpropInputCol2im: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') {
    throw new BackendError('KERNEL_UNSUPPORTED', 'Conv2DBackpropInput (wasm fix): dataFormat NCHW, only NHWC');
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
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
      `Conv2DBackpropInput (wasm fix): dy shape [${dy.shape}] does not match conv output [${expected}]`,
    );
  }
  const K = fh * fw * ci;
  const M = batchSize * outHeight * outWidth;
  const rowsPerChunk = Math.max(1, Math.min(M, Math.floor(CHUNK_FLOATS / Math.max(K, co))));
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;

  const dx = wasm.makeOutput(inputShape, 'float32'); // (B, H, W, ci)
  const wT = wasm.makeOutput([co, K], 'float32'); // filter (K, co) HWIO, transposed
  transposeRows(heapF32(wasm, filter, 'Conv2DBackpropInput'), heapF32(wasm, wT, 'Conv2DBackpropInput'), 0, K, co);
  heapF32(wasm, dx, 'Conv2DBackpropInput').fill(0);
  for (let m0 = 0; m0 < M; m0 += rowsPerChunk) {
    const mc = Math.min(rowsPerChunk, M - m0);
    let dyc = dy; // (mc, co): dy rows m0..m0+mc; dy itself when there is one chunk
    if (mc < M) {
      dyc = wasm.makeOutput([mc, co], 'float32');
      const src = heapF32(wasm, dy, 'Conv2DBackpropInput');
      heapF32(wasm, dyc, 'Conv2DBackpropInput').set(src.subarray(m0 * co, (m0 + mc) * co));
    }
    const a = { ...dyc, shape: [mc, co] };
    const col = matMul({ inputs: { a, b: wT }, backend, attrs: { transposeA: false, transposeB: false } });
    const colInfo = col as tf.TensorInfo; // (mc, K)
    const cv = heapF32(wasm, colInfo, 'Conv2DBackpropInput');
    const dxv = heapF32(wasm, dx, 'Conv2DBackpropInput');
    for (let i = 0; i < mc; i++) {
      const m = m0 + i;
      const ox = m % outWidth;
      const oy = Math.floor(m / outWidth) % outHeight;
      const b = Math.floor(m / (outWidth * outHeight));
      for (let kh = 0; kh < fh; kh++) {
        const iy = oy * sh - top + kh;
        if (iy < 0 || iy >= inHeight) continue;
        const rowBase = (b * inHeight + iy) * inWidth;
        for (let kw = 0; kw < fw; kw++) {
          const ix = ox * sw - left + kw;
          if (ix < 0 || ix >= inWidth) continue;
          const src = i * K + (kh * fw + kw) * ci;
          const dst = (rowBase + ix) * ci;
          for (let q = 0; q < ci; q++) dxv[dst + q] += cv[src + q];
        }
      }
    }
    if (dyc !== dy) wasm.disposeData(dyc.dataId);
    wasm.disposeData(colInfo.dataId);
  }
  wasm.disposeData(wT.dataId);
  return dx;
};
