import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors';
import { axisPlan, type AxisPlan } from './convGrid';
import { conv2DBackpropInputCol2im } from './wasmConv2DBackpropInputCol2im';
import { copyRowsHeap, gatherTransposed, heapF32 } from './wasmHeap';
import type { KernelFix } from './kernelFix';

// Speed, not correctness: tfjs 4.22's wasm Conv2DBackpropInput is a naive C++ loop, ~10x slower than the
// forward conv (4x80x80x128, 3x3: 8.5 s vs 0.7 s). The input gradient is itself a forward conv, run here on
// XNNPACK's Conv2D. Split by stride phase (convGrid.ts), input cell y of phase p receives dy[y - a] · W[tap]^T
// from each tap (a, p): a stride-1 correlation of dy with that phase's taps, flipped and transposed to
// (kh', kw', co, ci). Stride 1 is one conv whose output is dx; stride s runs s*s small convs (a 3x3 s2 conv
// becomes 1x1, 1x2, 2x1 and 2x2 ones: exactly the 9 taps' work) and interleaves their outputs into dx.
// Padding wider than the filter would need negative conv padding: that rare case takes the matmul + col2im path.

interface PhaseConv {
  py: number;
  px: number;
  /** Input cells of this phase along each axis: ceil((n - p) / s). */
  rows: number;
  cols: number;
  /** Taps [kh, kw] of this phase; empty when no tap reads these cells (their gradient is 0). */
  taps: [number, number][];
  /** Shift range of the taps along each axis; the sub-filter is (hiH - loH + 1, hiW - loW + 1). */
  loH: number;
  hiH: number;
  loW: number;
  hiW: number;
  pad: tf.backend_util.ExplicitPadding;
}

function phaseConvs(h: AxisPlan, w: AxisPlan): PhaseConv[] | null {
  const convs: PhaseConv[] = [];
  for (let py = 0; py < h.stride; py++) {
    for (let px = 0; px < w.stride; px++) {
      const taps: [number, number][] = [];
      for (let kh = 0; kh < h.shift.length; kh++) {
        if (h.phase[kh] !== py) continue;
        for (let kw = 0; kw < w.shift.length; kw++) if (w.phase[kw] === px) taps.push([kh, kw]);
      }
      const rows = Math.max(0, Math.ceil((h.nIn - py) / h.stride));
      const cols = Math.max(0, Math.ceil((w.nIn - px) / w.stride));
      const hs = taps.map(([kh]) => h.shift[kh]);
      const ws = taps.map(([, kw]) => w.shift[kw]);
      const [loH, hiH, loW, hiW] = [Math.min(...hs), Math.max(...hs), Math.min(...ws), Math.max(...ws)];
      // out[y] = sum over j of dy[y + j - top] · F[j] with F[j] = tap of shift hi - j: top = hi, and bottom so that
      // rows outputs come out of nOut inputs.
      const pad: tf.backend_util.ExplicitPadding = [
        [0, 0],
        [hiH, rows - 1 + (hiH - loH + 1) - h.nOut - hiH],
        [hiW, cols - 1 + (hiW - loW + 1) - w.nOut - hiW],
        [0, 0],
      ];
      if (taps.length > 0 && rows * cols > 0 && pad.flat().some((p) => p < 0)) return null;
      convs.push({ py, px, rows, cols, taps, loH, hiH, loW, hiW, pad });
    }
  }
  return convs;
}

/** F (hiH - loH + 1, hiW - loW + 1, co, ci): F[hiH - a_h, hiW - a_w, o, c] = W[kh, kw, c, o] for each tap. */
function subFilter(wasm: BackendWasm, filter: tf.TensorInfo, pc: PhaseConv, h: AxisPlan, w: AxisPlan): tf.TensorInfo {
  const [, fw, ci, co] = filter.shape;
  const fhp = pc.hiH - pc.loH + 1;
  const fwp = pc.hiW - pc.loW + 1;
  const f = wasm.makeOutput([fhp, fwp, co, ci], 'float32');
  const wv = heapF32(wasm, filter, 'Conv2DBackpropInput');
  const fv = heapF32(wasm, f, 'Conv2DBackpropInput');
  fv.fill(0);
  for (const [kh, kw] of pc.taps) {
    const src = (kh * fw + kw) * ci * co; // W[kh, kw] (ci, co)
    const dst = ((pc.hiH - h.shift[kh]) * fwp + (pc.hiW - w.shift[kw])) * co * ci; // F[j, l] (co, ci)
    gatherTransposed(wv, src, co, ci, co, fv, dst, ci); // fv[dst + o*ci + c] = wv[src + c*co + o]
  }
  return f;
}

const conv2DBackpropInput: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
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
  const expected = [batchSize, outHeight, outWidth, co];
  if (dy.shape.some((s, i) => s !== expected[i])) {
    throw new BackendError(
      'KERNEL_UNSUPPORTED',
      `Conv2DBackpropInput (wasm fix): dy shape [${dy.shape}] does not match conv output [${expected}]`,
    );
  }
  const h = axisPlan(info.filterHeight, info.strideHeight, info.padInfo.top, outHeight, inHeight);
  const w = axisPlan(info.filterWidth, info.strideWidth, info.padInfo.left, outWidth, inWidth);
  const convs = outHeight * outWidth > 0 ? phaseConvs(h, w) : null;
  if (!convs) return conv2DBackpropInputCol2im(args);
  const conv2d = tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc;
  const run = (pc: PhaseConv): tf.TensorInfo => {
    const f = subFilter(wasm, filter, pc, h, w);
    const out = conv2d({
      inputs: { x: dy, filter: f },
      backend,
      attrs: { strides: 1, pad: pc.pad, dataFormat: 'NHWC', dilations: 1 },
    }) as tf.TensorInfo; // (B, rows, cols, ci)
    wasm.disposeData(f.dataId);
    return out;
  };
  if (convs.length === 1 && convs[0].taps.length > 0) return run(convs[0]); // stride 1: the conv is dx

  const dx = wasm.makeOutput(inputShape, 'float32'); // (B, H, W, ci)
  heapF32(wasm, dx, 'Conv2DBackpropInput').fill(0);
  for (const pc of convs) {
    if (pc.taps.length === 0 || pc.rows * pc.cols === 0) continue;
    const part = run(pc);
    interleave(wasm, part, dx, pc, h, w, batchSize, ci);
    wasm.disposeData(part.dataId);
  }
  return dx;
};

/** dx[b, s*y + py, s*x + px, :] = part[b, y, x, :]: per input row, a strided copy of ci-float runs. */
function interleave(
  wasm: BackendWasm, part: tf.TensorInfo, dx: tf.TensorInfo, pc: PhaseConv, h: AxisPlan, w: AxisPlan, batch: number,
  ci: number,
): void {
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < pc.rows; y++) {
      const src = (b * pc.rows + y) * pc.cols * ci;
      const dst = ((b * h.nIn + h.stride * y + pc.py) * w.nIn + pc.px) * ci;
      copyRowsHeap(wasm, part, src, ci, dx, dst, w.stride * ci, pc.cols, ci);
    }
  }
}

export const wasmConv2DBackpropInputFix: KernelFix = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
