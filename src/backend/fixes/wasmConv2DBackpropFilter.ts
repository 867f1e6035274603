import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors';
import { heapOffset, simdKernels, type SimdKernels } from './simdKernels';
import { filterGradMatMul } from './wasmConv2DBackpropFilterMatMul';
import { heapF32 } from './wasmHeap';
import type { KernelFix } from './kernelFix';

// tfjs 4.22's wasm backend has no Conv2DBackpropFilter, so conv weights get no gradient on wasm.
// dW[kh, kw] (ci, co) = sum over output positions p of x[input position of p under tap (kh, kw)]^T · dy[p].
// For one tap and one image the output positions whose input is inside x (not padding) form a rectangle, and
// the x rows they read are evenly strided, so the SIMD kernel dwRect (simdKernels.ts) accumulates the whole
// rectangle as outer products straight from x and dy on the heap: no im2col, transpose or padding copies. At
// yolov5n's shapes this is 1.0-1.5x the forward conv's time; im2col + matmul was 2.5-6x. Without wasm SIMD,
// the XNNPACK matmul path (wasmConv2DBackpropFilterMatMul.ts) runs instead.

const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') {
    throw new BackendError('KERNEL_UNSUPPORTED', 'Conv2DBackpropFilter (wasm fix): dataFormat NCHW, only NHWC');
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    const got = `${x.dtype}, ${dy.dtype}`;
    throw new BackendError('KERNEL_UNSUPPORTED', `Conv2DBackpropFilter (wasm fix): expected float32, got ${got}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const expected = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.some((s, i) => s !== expected[i])) {
    throw new BackendError(
      'KERNEL_UNSUPPORTED',
      `Conv2DBackpropFilter (wasm fix): dy shape [${dy.shape}] does not match conv output [${expected}]`,
    );
  }
  const out = wasm.makeOutput(filterShape, 'float32'); // (fh, fw, ci, co) HWIO
  heapF32(wasm, out, 'Conv2DBackpropFilter').fill(0);
  if (info.outHeight * info.outWidth * info.batchSize === 0) return out;
  const simd = simdKernels(wasm);
  if (simd) filterGradSimd(wasm, simd, x, dy, out, info);
  else filterGradMatMul(wasm, x, dy, out, info);
  return out;
};

/** Output indices o in [lo, hi) whose input index o*stride - before + k lies in [0, n). */
function validRange(k: number, stride: number, before: number, nOut: number, nIn: number): [number, number] {
  const lo = Math.max(0, Math.ceil((before - k) / stride));
  const hi = Math.min(nOut, Math.floor((nIn - 1 + before - k) / stride) + 1);
  return [lo, hi];
}

function filterGradSimd(
  wasm: BackendWasm, simd: SimdKernels, x: tf.TensorInfo, dy: tf.TensorInfo, out: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const co4 = co & ~3; // dwRect covers whole 4-column blocks; the last co % 4 columns are summed in JS
  const xp = heapOffset(wasm, x.dataId);
  const dp = heapOffset(wasm, dy.dataId);
  const wp = heapOffset(wasm, out.dataId);
  for (let kh = 0; kh < fh; kh++) {
    const [oy0, oy1] = validRange(kh, sh, top, oh, H);
    for (let kw = 0; kw < fw; kw++) {
      const [ox0, ox1] = validRange(kw, sw, left, ow, W);
      if (oy1 <= oy0 || ox1 <= ox0) continue;
      const iy0 = oy0 * sh - top + kh;
      const ix0 = ox0 * sw - left + kw;
      const tap = (kh * fw + kw) * ci * co;
      for (let b = 0; b < B; b++) {
        const xAt = ((b * H + iy0) * W + ix0) * ci; // float index of the rectangle's first x row
        const dyAt = ((b * oh + oy0) * ow + ox0) * co;
        if (co4 > 0) {
          simd.dwRect(xp + 4 * xAt, 4 * sw * ci, 4 * sh * W * ci, dp + 4 * dyAt, 4 * ow * co, oy1 - oy0, ox1 - ox0,
            ci, co4, 4 * co, wp + 4 * tap);
        }
        if (co4 < co) {
          tailColumns(wasm, x, dy, out, { xAt, dyAt, tap, xCol: sw * ci, xRow: sh * W * ci, dyRow: ow * co },
            oy1 - oy0, ox1 - ox0, ci, co, co4);
        }
      }
    }
  }
}

/** dw[tap, c, o] += sum over the rectangle of x * dy for the columns o >= co4 that dwRect leaves out. */
function tailColumns(
  wasm: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, out: tf.TensorInfo,
  at: { xAt: number; dyAt: number; tap: number; xCol: number; xRow: number; dyRow: number },
  rows: number, cols: number, ci: number, co: number, co4: number,
): void {
  const xv = heapF32(wasm, x, 'Conv2DBackpropFilter');
  const dv = heapF32(wasm, dy, 'Conv2DBackpropFilter');
  const ov = heapF32(wasm, out, 'Conv2DBackpropFilter');
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const xs = at.xAt + r * at.xRow + j * at.xCol;
      const ds = at.dyAt + r * at.dyRow + j * co;
      for (let c = 0; c < ci; c++) {
        const xv0 = xv[xs + c];
        for (let o = co4; o < co; o++) ov[at.tap + c * co + o] += xv0 * dv[ds + o];
      }
    }
  }
}

export const wasmConv2DBackpropFilterFix: KernelFix = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
