import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { BackendError } from '../errors';
import { runStock, type KernelFix } from './kernelFix';

// tfjs-backend-webgpu 4.22's Conv2DBackpropFilter runs one thread per weight, each summing over the whole
// batch·H·W with no reuse: at yolov5n's shapes it is far slower than the forward conv. This is the implicit GEMM
//   dW (M = KH·KW·Ci, N = Co) = A^T · B,  A (K = B·OH·OW, M) = im2col(x),  B (K, N) = dy viewed as rows,
// with 32x32 output tiles per workgroup, A and B staged through workgroup memory 16 rows of K at a time, and
// K split across workgroups when the output alone has too few tiles to fill the device; a second pass then sums
// the (S, M, N) partials. The flat (M, N) index equals the HWIO index of dW, so no layout change is needed.
// No value import of tfjs-backend-webgpu here: select.ts (also loaded in Node) pulls this file in.

const TILE = 32; // output tile edge (M and N)
const TK = 16; // rows of K staged per barrier
const THREADS = 8; // 8x8 threads, each a 4x4 block of the tile
/** Workgroups we aim for before splitting K further; a split never gets fewer than MIN_K_PER_SPLIT rows. */
const TARGET_WORKGROUPS = 96;
const MIN_K_PER_SPLIT = 256;

export interface FilterGradPlan {
  m: number;
  n: number;
  k: number;
  splits: number;
  kPerSplit: number;
}

/** How the GEMM is cut: output tiles, then K split so tiles x splits reaches TARGET_WORKGROUPS. */
export function planFilterGrad(info: tf.backend_util.Conv2DInfo): FilterGradPlan {
  const m = info.filterHeight * info.filterWidth * info.inChannels;
  const n = info.outChannels;
  const k = info.batchSize * info.outHeight * info.outWidth;
  const tiles = Math.ceil(m / TILE) * Math.ceil(n / TILE);
  const wanted = Math.max(1, Math.ceil(TARGET_WORKGROUPS / tiles));
  const byK = Math.max(1, Math.floor(k / MIN_K_PER_SPLIT));
  let splits = Math.min(wanted, byK);
  // Whole TK blocks per split, then drop splits that would start past K.
  const kPerSplit = Math.ceil(Math.ceil(k / splits) / TK) * TK;
  splits = Math.ceil(k / kPerSplit);
  return { m, n, k, splits, kPerSplit };
}

class FilterGradGemmProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  uniforms = 'gemm : vec4<i32>, filt : vec4<i32>, pads : vec2<i32>,';
  workgroupSize: [number, number, number] = [THREADS, THREADS, 1];
  // Non-flat layout: the header then calls main() and we index with workgroupId / localId ourselves.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  outputShape: number[];
  shaderKey = 'yoloConv2DDerFilterGemm';

  constructor(plan: FilterGradPlan, outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatch = [Math.ceil(plan.n / TILE), Math.ceil(plan.m / TILE), plan.splits];
  }

  getUserCode(): string {
    return `
      var<workgroup> tileA : array<array<f32, ${TILE}>, ${TK}>; // [k][m]: im2col(x)
      var<workgroup> tileB : array<array<f32, ${TILE}>, ${TK}>; // [k][n]: dy

      // x (B, H, W, Ci) at the input pixel that output row k reads through weight row m; 0 in the padding.
      fn loadA(k : i32, kh : i32, kw : i32, ci : i32, kEnd : i32, mOk : bool) -> f32 {
        if (k >= kEnd || !mOk) { return 0.0; }
        let ohw = uniforms.dyShape[1] * uniforms.dyShape[2];
        let b = k / ohw;
        let r = k - b * ohw;
        let oh = r / uniforms.dyShape[2];
        let ow = r - oh * uniforms.dyShape[2];
        let ih = oh * uniforms.filt.z + kh - uniforms.pads.x;
        let iw = ow * uniforms.filt.w + kw - uniforms.pads.y;
        if (ih < 0 || ih >= uniforms.xShape[1] || iw < 0 || iw >= uniforms.xShape[2]) { return 0.0; }
        return x[((b * uniforms.xShape[1] + ih) * uniforms.xShape[2] + iw) * uniforms.xShape[3] + ci];
      }

      fn main() {
        let M = uniforms.gemm.x;
        let N = uniforms.gemm.y;
        let K = uniforms.gemm.z;
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let lid = ty * ${THREADS} + tx;
        let m0 = i32(workgroupId.y) * ${TILE};
        let n0 = i32(workgroupId.x) * ${TILE};
        let split = i32(workgroupId.z);
        let kBegin = split * uniforms.gemm.w;
        let kEnd = min(K, kBegin + uniforms.gemm.w);

        // Each thread stages one column (m or n) of the tiles and rows lid / ${TILE} + 2i: the weight tap of
        // that column is fixed for the whole loop.
        let col = lid % ${TILE};
        let row0 = lid / ${TILE};
        let m = m0 + col;
        let mOk = m < M;
        let kwci = uniforms.filt.y * uniforms.xShape[3];
        let kh = m / kwci;
        let kw = (m - kh * kwci) / uniforms.xShape[3];
        let ci = m - kh * kwci - kw * uniforms.xShape[3];
        let n = n0 + col;
        let nOk = n < N;

        var acc : array<vec4<f32>, 4>;
        // The trip count comes from uniforms only, so the barriers stay in uniform control flow (WGSL's rule);
        // the last split's rows past K load zeros.
        let kTiles = uniforms.gemm.w / ${TK};
        for (var t = 0; t < kTiles; t = t + 1) {
          let k0 = kBegin + t * ${TK};
          for (var i = 0; i < ${(TK * TILE) / (THREADS * THREADS)}; i = i + 1) {
            let kk = row0 + i * ${(THREADS * THREADS) / TILE};
            let k = k0 + kk;
            tileA[kk][col] = loadA(k, kh, kw, ci, kEnd, mOk);
            var bv = 0.0;
            if (k < kEnd && nOk) { bv = dy[k * N + n]; }
            tileB[kk][col] = bv;
          }
          workgroupBarrier();
          for (var kk = 0; kk < ${TK}; kk = kk + 1) {
            let b = vec4<f32>(tileB[kk][tx * 4], tileB[kk][tx * 4 + 1], tileB[kk][tx * 4 + 2], tileB[kk][tx * 4 + 3]);
            acc[0] = acc[0] + tileA[kk][ty * 4] * b;
            acc[1] = acc[1] + tileA[kk][ty * 4 + 1] * b;
            acc[2] = acc[2] + tileA[kk][ty * 4 + 2] * b;
            acc[3] = acc[3] + tileA[kk][ty * 4 + 3] * b;
          }
          workgroupBarrier();
        }

        // Partial sums of split s go to result[s·M·N + m·N + n] (with one split: dW itself, HWIO).
        let base = split * M * N;
        for (var i = 0; i < 4; i = i + 1) {
          let mo = m0 + ty * 4 + i;
          if (mo >= M) { break; }
          for (var j = 0; j < 4; j = j + 1) {
            let no = n0 + tx * 4 + j;
            if (no < N) { result[base + mo * N + no] = acc[i][j]; }
          }
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
  const uniforms = [
    { type: 'int32', data: [plan.m, plan.n, plan.k, plan.kPerSplit] },
    { type: 'int32', data: [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
  ];
  if (plan.splits === 1) {
    return backend.runWebGPUProgram(new FilterGradGemmProgram(plan, info.filterShape), [x, dy], 'float32', uniforms);
  }
  // (S, M, N) partials, then one pass summing over S.
  const partial = backend.runWebGPUProgram(
    new FilterGradGemmProgram(plan, [plan.splits, plan.m, plan.n]), [x, dy], 'float32', uniforms,
  );
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
