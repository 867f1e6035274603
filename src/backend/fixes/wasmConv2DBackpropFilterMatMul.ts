import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { axisPlan, cell, flatGrid, inputIndex, type AxisPlan, type FlatGrid } from './convGrid';
import { gatherTransposed, heapF32, heapView, releaseView } from './wasmHeap';

// The XNNPACK path of our wasm Conv2DBackpropFilter (wasmConv2DBackpropFilter.ts), for engines without wasm
// SIMD. dW[kh, kw] (ci, co) = sum over output positions of x[at the tap's input position]^T · dy. Split by
// stride phase (convGrid.ts), each tap is a shifted product: on one flat grid holding dy (L, co) and every phase
// of x transposed, xT (phase*ci, L), tap (a, p) is xT's rows of phase p read from column `offset(a)` on, times
// dy. A row window at an offset is a view into xT (no copy), so each tap is one XNNPACK matmul (rows, L)·(L, co)
// with a long inner dimension, and dy is packed once for all taps (BatchMatMul caches it by tensor id). Taps
// that share a shift and have adjacent phases run as one matmul. 1x1 convs need no grid: the side with fewer
// channels is transposed and the other read in place.

/** Upper bound on floats in xT or in the dy grid; images are processed in groups that fit. */
const CHUNK_FLOATS = 1 << 22;

/** out (fh, fw, ci, co), zero on entry, += dW. */
export function filterGradMatMul(
  wasm: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, out: tf.TensorInfo, info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const h = axisPlan(info.filterHeight, info.strideHeight, info.padInfo.top, outHeight, inHeight);
  const w = axisPlan(info.filterWidth, info.strideWidth, info.padInfo.left, outWidth, inWidth);
  const phases = h.stride * w.stride;
  const pointwise = phases === 1 && h.maxShift - h.minShift + w.maxShift - w.minShift === 0;
  if (pointwise && outHeight === inHeight && outWidth === inWidth) {
    pointwiseFilterGrad(wasm, x, dy, out, batchSize * outHeight * outWidth, ci, co);
    return;
  }
  const perImage = h.period * w.period;
  const group = Math.max(1, Math.floor(CHUNK_FLOATS / (perImage * Math.max(phases * ci, co))));
  for (let b0 = 0; b0 < batchSize; b0 += group) {
    const images = Math.min(group, batchSize - b0);
    const g = flatGrid(h, w, images);
    const slack = Math.max(-g.minOffset, g.maxOffset);
    const xT = wasm.makeOutput([phases * ci * g.length + 2 * slack], 'float32'); // slack | (phase, ci, L) | slack
    const dyGrid = wasm.makeOutput([g.length, co], 'float32'); // (L, co)
    fillTransposedPhases(wasm, x, xT, slack, h, w, g, b0, images, ci);
    fillDyGrid(wasm, dy, dyGrid, h, w, g, b0, images, co);
    accumulateShifts(wasm, xT, slack, dyGrid, out, h, w, g, ci, co);
    wasm.disposeData(xT.dataId);
    wasm.disposeData(dyGrid.dataId);
  }
}

/**
 * 1x1 stride-1 unpadded conv: dW (ci, co) = x^T · dy over the M positions, with no grid. Only the side with
 * fewer channels is transposed (JS); the other is read in place through a view and packed by XNNPACK.
 */
function pointwiseFilterGrad(
  wasm: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, out: tf.TensorInfo, M: number, ci: number, co: number,
): void {
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const xNarrow = ci <= co;
  const [narrow, wide, nN, nW] = xNarrow ? [x, dy, ci, co] : [dy, x, co, ci];
  const rowsPerChunk = Math.max(1, Math.min(M, Math.floor(CHUNK_FLOATS / nN)));
  for (let m0 = 0; m0 < M; m0 += rowsPerChunk) {
    const mc = Math.min(rowsPerChunk, M - m0);
    const t = wasm.makeOutput([nN, mc], 'float32'); // narrow rows m0..m0+mc, transposed
    const nv = heapF32(wasm, narrow, 'Conv2DBackpropFilter');
    gatherTransposed(nv, m0 * nN, nN, mc, nN, heapF32(wasm, t, 'Conv2DBackpropFilter'), 0, mc);
    const view = heapView(wasm, wide, m0 * nW, [mc, nW]);
    const part = matMul({ inputs: { a: t, b: view }, backend: wasm, attrs: { transposeA: false, transposeB: false } });
    releaseView(wasm, view);
    wasm.disposeData(t.dataId);
    const partInfo = part as tf.TensorInfo; // (nN, nW)
    const pv = heapF32(wasm, partInfo, 'Conv2DBackpropFilter');
    const ov = heapF32(wasm, out, 'Conv2DBackpropFilter'); // (ci, co)
    if (xNarrow) {
      for (let j = 0; j < ci * co; j++) ov[j] += pv[j];
    } else {
      for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) ov[c * co + o] += pv[o * ci + c];
    }
    wasm.disposeData(partInfo.dataId);
  }
}

/** xT[(p*ci + c)*L + cell(b, y, x)] = x[b0 + b, s*y + py, s*x + px, c] where inside x, else 0. */
function fillTransposedPhases(
  wasm: BackendWasm, x: tf.TensorInfo, xT: tf.TensorInfo, base: number,
  h: AxisPlan, w: AxisPlan, g: FlatGrid, b0: number, images: number, ci: number,
): void {
  const xv = heapF32(wasm, x, 'Conv2DBackpropFilter');
  const tv = heapF32(wasm, xT, 'Conv2DBackpropFilter');
  tv.fill(0);
  const { nIn: H } = h;
  const { nIn: W, stride: sw } = w;
  const L = g.length;
  for (let py = 0; py < h.stride; py++) {
    for (let px = 0; px < sw; px++) {
      // Cells x of this phase inside the input: 0 <= sw*x + px < W.
      const x0 = Math.max(w.minShift, Math.ceil(-px / sw));
      const x1 = Math.min(w.nOut + w.maxShift, Math.ceil((W - px) / sw));
      if (x1 <= x0) continue;
      const rowBase = base + (py * sw + px) * ci * L;
      for (let b = 0; b < images; b++) {
        for (let y = h.minShift; y < h.nOut + h.maxShift; y++) {
          const iy = inputIndex(h, y, py);
          if (iy < 0) continue;
          const src = (((b0 + b) * H + iy) * W + sw * x0 + px) * ci;
          gatherTransposed(xv, src, sw * ci, x1 - x0, ci, tv, rowBase + cell(g, b, y, x0), L);
        }
      }
    }
  }
}

/** dyGrid[cell(b, oy, ox)] = dy[b0 + b, oy, ox, :], zero at every other cell. */
function fillDyGrid(
  wasm: BackendWasm, dy: tf.TensorInfo, dyGrid: tf.TensorInfo,
  h: AxisPlan, w: AxisPlan, g: FlatGrid, b0: number, images: number, co: number,
): void {
  const dv = heapF32(wasm, dy, 'Conv2DBackpropFilter');
  const gv = heapF32(wasm, dyGrid, 'Conv2DBackpropFilter');
  gv.fill(0);
  const line = w.nOut * co;
  for (let b = 0; b < images; b++) {
    for (let oy = 0; oy < h.nOut; oy++) {
      const src = ((b0 + b) * h.nOut + oy) * line;
      gv.set(dv.subarray(src, src + line), cell(g, b, oy, 0) * co);
    }
  }
}

/** out[kh, kw] += xT rows of the tap's phase, shifted, · dyGrid: one matmul per shift and run of phases. */
function accumulateShifts(
  wasm: BackendWasm, xT: tf.TensorInfo, base: number, dyGrid: tf.TensorInfo, out: tf.TensorInfo,
  h: AxisPlan, w: AxisPlan, g: FlatGrid, ci: number, co: number,
): void {
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
  const fw = w.shift.length;
  const L = g.length;
  for (let ah = h.minShift; ah <= h.maxShift; ah++) {
    for (let aw = w.minShift; aw <= w.maxShift; aw++) {
      // Taps with this shift, by phase index p = py*sw + px; the matmul covers phases pLo..pHi.
      const tapOf = new Map<number, number>(); // phase -> kh*fw + kw
      for (let kh = 0; kh < h.shift.length; kh++) {
        if (h.shift[kh] !== ah) continue;
        for (let kw = 0; kw < fw; kw++) {
          if (w.shift[kw] === aw) tapOf.set(h.phase[kh] * w.stride + w.phase[kw], kh * fw + kw);
        }
      }
      if (tapOf.size === 0) continue;
      const pLo = Math.min(...tapOf.keys());
      const pHi = Math.max(...tapOf.keys());
      const offset = ah * g.cols + aw;
      const view = heapView(wasm, xT, base + pLo * ci * L + offset, [(pHi - pLo + 1) * ci, L]);
      const attrs = { transposeA: false, transposeB: false };
      const part = matMul({ inputs: { a: view, b: dyGrid }, backend: wasm, attrs });
      releaseView(wasm, view);
      const partInfo = part as tf.TensorInfo; // ((pHi - pLo + 1)*ci, co)
      const pv = heapF32(wasm, partInfo, 'Conv2DBackpropFilter');
      const ov = heapF32(wasm, out, 'Conv2DBackpropFilter');
      for (const [p, tap] of tapOf) {
        const src = (p - pLo) * ci * co;
        const dst = tap * ci * co;
        for (let j = 0; j < ci * co; j++) ov[dst + j] += pv[src + j];
      }
      wasm.disposeData(partInfo.dataId);
    }
  }
}
