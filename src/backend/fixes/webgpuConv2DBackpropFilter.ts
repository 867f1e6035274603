import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { BackendError } from '../errors';
import { runStock, type KernelFix } from './kernelFix';

// tfjs-backend-webgpu 4.22's Conv2DBackpropFilter runs one thread per weight, each summing over the whole
// batch·H·W with no reuse: at yolov5n's shapes it is far slower than the forward conv. This is the implicit GEMM
//   dW (M = KH·KW·Ci, N = Co) = A^T · B,  A (K = B·OH·OW, M) = im2col(x),  B (K, N) = dy viewed as rows,
// with no workgroup memory and no barriers (see webgpuConv2D.ts: a CPU adapter pays every barrier per
// invocation). Each thread owns 4 input channels x 8 output channels of one or more taps (kh, kw) in registers and
// walks the output rows (b, oh) of its split, then the columns ow whose input column is inside x (bounds computed
// once per tap), so the inner loop is 12 contiguous loads and 32 multiply-adds; a 1x1 stride-1 conv walks its pixels
// as one flat run. When the weights alone give too few
// threads, the rows are split across workgroups and a second pass sums the (S, M, N) partials. The flat (M, N)
// index equals the HWIO index of dW, so no layout change is needed. The 32x32-tiled workgroup-memory GEMM this
// replaces took ~0.8-1 s over a 64 px step's layers on SwiftShader, this one ~0.1 s (bench per-layer table).
// No value import of tfjs-backend-webgpu here: select.ts (also loaded in Node) pulls this file in.

const WG = 64;
const SMALL = 4 * WG; // fewer threads than this per split: 16-thread workgroups
/** Workgroups we aim for before splitting rows further; a split never gets fewer than MIN_PIXELS output pixels. */
const TARGET_WORKGROUPS = 16;
const MIN_PIXELS = 128;
/**
 * Nor more than MAX_PIXELS (unless one output row is longer, or a cap below binds): each thread sums its products in
 * sequence, and float32 error grows with the length of that sum; the partials are then summed in a second pass
 * (yolov5n's 6x6 stem at 64 px, K = 2·32·32 = 2048: 8 splits of 256 instead of 2 of 1024).
 */
const MAX_PIXELS = 256;
/** Caps on splits (the second pass walks them all) and on the (S, M, N) partials (floats). */
const MAX_SPLITS = 64;
const MAX_PARTIAL = 1 << 22;
/** Output channels per thread, in vec4s: 4 x 8 blocks keep 12 loads per 32 multiply-adds (4 x 4: 8 per 16). */
const CO_VECS = 2;
/** Threads a dW should keep at least (8 workgroups of 64) before a thread takes more than one tap. */
const MIN_THREADS = 512;

export interface FilterGradPlan {
  /** vec4s of output channels per thread. */
  coVecs: number;
  /** Filter taps (kh, kw) each thread does one after the other. */
  tapsPer: number;
  /** Blocks of 4·coVecs output channels and of 4 input channels; threads per split = ⌈taps / tapsPer⌉ · cBlocks · nBlocks. */
  nBlocks: number;
  cBlocks: number;
  threads: number;
  /** Output rows (b, oh) per split, and splits (1: no second pass). */
  rowsPerSplit: number;
  splits: number;
  workgroup: number;
}

/**
 * How the work is cut: one thread per 4 x 4·coVecs block of dW for one or more taps, then the B·OH output rows split
 * across workgroups.
 */
export function planFilterGrad(info: tf.backend_util.Conv2DInfo): FilterGradPlan {
  const coVecs = CO_VECS;
  const nBlocks = Math.ceil(info.outChannels / (4 * coVecs));
  const cBlocks = Math.ceil(info.inChannels / 4);
  const taps = info.filterHeight * info.filterWidth;
  // As many taps per thread as keep MIN_THREADS threads: on small maps (a few pixels per tap) a thread's fixed
  // cost (index arithmetic, the column bounds) outweighs its products, so fewer, longer threads win there.
  const blocks = cBlocks * nBlocks;
  let tapsPer = taps;
  while (tapsPer > 1 && Math.ceil(taps / tapsPer) * blocks < MIN_THREADS) tapsPer -= 1;
  const threads = Math.ceil(taps / tapsPer) * cBlocks * nBlocks;
  const workgroup = threads < SMALL ? 16 : WG;
  const rows = info.batchSize * info.outHeight;
  const pixels = rows * info.outWidth;
  const m = info.filterHeight * info.filterWidth * info.inChannels;
  const wanted = Math.min(
    Math.max(Math.ceil(TARGET_WORKGROUPS / Math.ceil(threads / workgroup)), Math.ceil(pixels / MAX_PIXELS)),
    MAX_SPLITS, Math.floor(MAX_PARTIAL / (m * info.outChannels)),
  );
  const byRows = Math.floor(pixels / MIN_PIXELS);
  const rowsPerSplit = Math.ceil(rows / Math.max(1, Math.min(wanted, byRows, rows)));
  return { coVecs, tapsPer, nBlocks, cBlocks, threads, rowsPerSplit, splits: Math.ceil(rows / rowsPerSplit), workgroup };
}

class FilterGradRegisterProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  // (strideH, strideW, padTop, padLeft), (KH, KW, taps per thread), (nBlocks, cBlocks, threads per split, rows per split)
  uniforms = 'conv : vec4<i32>, taps : vec3<i32>, blocks : vec4<i32>,';
  workgroupSize: [number, number, number];
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  outputShape: number[];
  shaderKey: string;
  private readonly q: number;
  /** Ci a multiple of 4 and Co of 4·coVecs: every thread's block lies inside dW, so its stores need no checks. */
  private readonly whole: boolean;
  private readonly pointwise: boolean;

  constructor(plan: FilterGradPlan, outputShape: number[], whole: boolean, pointwise: boolean) {
    this.outputShape = outputShape; // (S, M, N)
    this.q = plan.coVecs;
    this.whole = whole;
    this.pointwise = pointwise;
    this.workgroupSize = [plan.workgroup, 1, 1];
    this.dispatch = [Math.ceil((plan.threads * plan.splits) / plan.workgroup), 1, 1];
    this.shaderKey = `yoloConv2DDerFilterRegister${plan.workgroup}x${plan.coVecs}${whole ? 'w' : ''}${pointwise ? 'p' : ''}`;
  }

  getUserCode(): string {
    // Accumulators as named vec4s (acc_i_q: input channel ci0 + i, output channels co0 + 4q .. + 3), unrolled, so
    // nothing indexes them at run time.
    const Q = [...Array(this.q).keys()];
    const I = [0, 1, 2, 3];
    const lane = ['x', 'y', 'z', 'w'];
    const decl = I.flatMap((i) => Q.map((q) => `var acc_${i}_${q} = vec4<f32>(0.0);`)).join('\n        ');
    const loadD = Q.map((q) => `let d${q} = vec4<f32>(dy[di + ${4 * q}], dy[di + ${4 * q + 1}], dy[di + ${4 * q + 2}], dy[di + ${4 * q + 3}]);`).join('\n            ');
    const fma = I.flatMap((i) => Q.map((q) => `acc_${i}_${q} = acc_${i}_${q} + a.${lane[i]} * d${q};`)).join('\n            ');
    const put = (i: number, q: number, j: number) => `result[base + ${i} * Co + ${4 * q + j}] = acc_${i}_${q}.${lane[j]};`;
    const store = this.whole
      ? I.flatMap((i) => Q.flatMap((q) => lane.map((_, j) => put(i, q, j)))).join('\n        ')
      : I.map((i) => `if (ci0 + ${i} < Ci) {
${Q.map((q) => lane.map((_, j) => `          if (co0 + ${4 * q + j} < Co) { ${put(i, q, j)} }`).join('\n')).join('\n')}
        }`).join('\n        ');
    const body = `
            let a = vec4<f32>(x[xi], x[xi + 1], x[xi + 2], x[xi + 3]);
            ${loadD}
            ${fma}`;
    // 1x1, stride 1, no padding: x and dy are (B·H·W, C) rows in the same pixel order, so the split's rows of
    // pixels are one flat run (no per-row index arithmetic: what dominates when a split has only a few pixels).
    const pointwiseLoop = `
        var xi = r0 * OW * Ci + ci0;
        var di = r0 * OW * Co + co0;
        for (var p = r0 * OW; p < r1 * OW; p = p + 1) {${body}
            xi = xi + Ci;
            di = di + Co;
        }`;
    const windowLoop = `
        let kh = tap / KW;
        let kw = tap - kh * KW;
        // Columns ow whose input column ow·sw + kw − padLeft lies in [0, W).
        let owLo = max(0, (uniforms.conv.w - kw + sw - 1) / sw);
        let hiNum = W - 1 + uniforms.conv.w - kw;
        let owHi = select(0, min(OW, hiNum / sw + 1), hiNum >= 0);
        for (var r = r0; r < r1; r = r + 1) {
          let b = r / OH;
          let oh = r - b * OH;
          let ih = oh * sh + kh - uniforms.conv.z;
          if (ih < 0 || ih >= H) { continue; }
          var xi = ((b * H + ih) * W + owLo * sw + kw - uniforms.conv.w) * Ci + ci0;
          var di = (r * OW + owLo) * Co + co0;
          for (var ow = owLo; ow < owHi; ow = ow + 1) {${body}
            xi = xi + sw * Ci;
            di = di + Co;
          }
        }`;
    return `
      fn main(index : i32) {
        let T = uniforms.blocks.z;
        if (index >= T * uniforms.outShape[0]) { return; }
        let H = uniforms.xShape[1];
        let W = uniforms.xShape[2];
        let Ci = uniforms.xShape[3];
        let OH = uniforms.dyShape[1];
        let OW = uniforms.dyShape[2];
        let Co = uniforms.dyShape[3];
        let KW = uniforms.taps.y;
        let sh = uniforms.conv.x;
        let sw = uniforms.conv.y;
        let split = index / T;
        let t = index - split * T;
        let co0 = (t % uniforms.blocks.x) * ${4 * this.q};
        let rest = t / uniforms.blocks.x;
        let ci0 = (rest % uniforms.blocks.y) * 4;
        // This thread's taps (kh, kw): tapsPer of them from tapGroup·tapsPer, one after the other.
        let tapA = (rest / uniforms.blocks.y) * uniforms.taps.z;
        let tapB = min(tapA + uniforms.taps.z, uniforms.taps.x * KW);
        let r0 = split * uniforms.blocks.w;
        let r1 = min(uniforms.dyShape[0] * OH, r0 + uniforms.blocks.w);
        for (var tap = tapA; tap < tapB; tap = tap + 1) {
          ${decl}
          ${this.pointwise ? pointwiseLoop : windowLoop}

          // Split s writes result[s·M·N + m·N + n] (one split: dW itself, HWIO), m = tap·Ci + ci.
          let base = split * uniforms.outShape[1] * Co + (tap * Ci + ci0) * Co + co0;
          ${store}
        }
      }
    `;
  }
}

/** Sums the (S, M·N) partial products into dW. */
class SplitSumProgram implements WebGPUProgram {
  variableNames = ['partial'];
  uniforms = 'splits : i32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  outputShape: number[];
  size = true;
  shaderKey = 'yoloConv2DDerFilterSplitSum';

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(outputShape) / 64), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var s = 0.0;
          for (var i = 0; i < uniforms.splits; i = i + 1) { s = s + partial[i * uniforms.size + index]; }
          result[index] = s;
        }
      }
    `;
  }
}

const conv2DBackpropFilter: tf.KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as WebGPUBackend;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  // NCHW and non-float inputs never occur in our models: tfjs's own kernel handles them.
  if (dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return runStock(webgpuConv2DBackpropFilterFix, args);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
  );
  const expected = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.some((s, i) => s !== expected[i])) {
    throw new BackendError(
      'KERNEL_UNSUPPORTED',
      `Conv2DBackpropFilter (webgpu fix): dy shape [${dy.shape}] does not match conv output [${expected}]`,
    );
  }
  const plan = planFilterGrad(info);
  const m = info.filterHeight * info.filterWidth * info.inChannels;
  const uniforms = [
    { type: 'int32', data: [info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.filterHeight, info.filterWidth, plan.tapsPer] },
    { type: 'int32', data: [plan.nBlocks, plan.cBlocks, plan.threads, plan.rowsPerSplit] },
  ];
  const partial = backend.runWebGPUProgram(
    new FilterGradRegisterProgram(plan, [plan.splits, m, info.outChannels], info.inChannels % 4 === 0 && info.outChannels % (4 * plan.coVecs) === 0,
      info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1
        && info.padInfo.top === 0 && info.padInfo.left === 0 && info.outHeight === info.inHeight && info.outWidth === info.inWidth), [x, dy], 'float32', uniforms,
  );
  if (plan.splits === 1) {
    // (1, M, N) -> HWIO: the same buffer.
    const out = tf.getKernel('Reshape', 'webgpu')!.kernelFunc({ inputs: { x: partial }, backend, attrs: { shape: info.filterShape } }) as tf.TensorInfo;
    backend.disposeData(partial.dataId);
    return out;
  }
  const out = backend.runWebGPUProgram(
    new SplitSumProgram(info.filterShape), [partial], 'float32', [{ type: 'int32', data: [plan.splits] }],
  );
  backend.disposeData(partial.dataId);
  return out;
};

export const webgpuConv2DBackpropFilterFix: KernelFix = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'webgpu',
  kernelFunc: conv2DBackpropFilter,
};
