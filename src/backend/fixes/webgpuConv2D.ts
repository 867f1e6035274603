import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { runStock, type KernelFix } from './kernelFix';

// Forward Conv2D (NHWC x, HWIO w) as an implicit GEMM with no workgroup memory and no barriers:
//   out (M = B·OH·OW, N = Co) = A (M, K = KH·KW·Ci) · W (K, N),  A = im2col(x) read straight from x,
// each thread owning a 4x4 block of out (4 output pixels x 4 output channels) in registers and walking K as
// (kh, kw) taps then Ci, so the inner loop is 8 loads and 16 multiply-adds with no index arithmetic.
// Why not tfjs's Conv2DMM / im2col + MatMulSmallOutputSize: on a CPU adapter (SwiftShader) a workgroup barrier
// makes every invocation a coroutine that yields at each barrier; those programs barrier every 16 (or 4) values
// of K, and at yolov5n's small training shapes that switching costs more than the arithmetic (bench: up to ~70 ms
// for a 1x1 32x128x128 GEMM). A barrier-free shader runs its invocations in plain SIMD loops. The 4x4 register
// block keeps the loads per multiply-add at 1/2, which is also what a GPU wants from a cache-only kernel.
// No value import of tfjs-backend-webgpu here: select.ts (also loaded in Node) pulls this file in.

const WG = 64; // threads per workgroup (flat)
/** Below this many threads a workgroup of WG would leave cores idle: use 16-thread workgroups. */
const SMALL = 4 * WG;

export interface ConvBlocks { nBlocks: number; mBlocks: number; workgroup: number }

/** 4x4 output blocks of (M, N) and the workgroup size that spreads them. */
export function planConvBlocks(m: number, n: number): ConvBlocks {
  const nBlocks = Math.ceil(n / 4);
  const mBlocks = Math.ceil(m / 4);
  return { nBlocks, mBlocks, workgroup: nBlocks * mBlocks < SMALL ? 16 : WG };
}

class Conv2DRegisterProgram implements WebGPUProgram {
  variableNames = ['x', 'w'];
  uniforms = 'conv : vec4<i32>, blocks : vec2<i32>,'; // (strideH, strideW, padTop, padLeft), (nBlocks, mBlocks)
  workgroupSize: [number, number, number];
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  outputShape: number[];
  shaderKey: string;

  constructor(outputShape: number[], plan: ConvBlocks) {
    this.outputShape = outputShape;
    this.workgroupSize = [plan.workgroup, 1, 1];
    this.dispatch = [Math.ceil((plan.nBlocks * plan.mBlocks) / plan.workgroup), 1, 1];
    this.shaderKey = `yoloConv2DRegister${plan.workgroup}`;
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let NB = uniforms.blocks.x;
        if (index >= NB * uniforms.blocks.y) { return; }
        let H = uniforms.xShape[1];
        let W = uniforms.xShape[2];
        let Ci = uniforms.xShape[3];
        let OH = uniforms.outShape[1];
        let OW = uniforms.outShape[2];
        let N = uniforms.outShape[3];
        let M = uniforms.outShape[0] * OH * OW;
        let KH = uniforms.wShape[0];
        let KW = uniforms.wShape[1];
        let n0 = (index % NB) * 4;
        let m0 = (index / NB) * 4;

        // Output pixels m0..m0+3 (rows past M repeat the last one and are not written): top-left input pixel of
        // each window and the offset of its image in x.
        var ih0 : vec4<i32>;
        var iw0 : vec4<i32>;
        var img : vec4<i32>;
        for (var r = 0; r < 4; r = r + 1) {
          let m = min(m0 + r, M - 1);
          let b = m / (OH * OW);
          let p = m - b * OH * OW;
          let oh = p / OW;
          ih0[r] = oh * uniforms.conv.x - uniforms.conv.z;
          iw0[r] = (p - oh * OW) * uniforms.conv.y - uniforms.conv.w;
          img[r] = b * H * W * Ci;
        }

        var acc : array<vec4<f32>, 4>; // acc[r][j]: pixel m0 + r, channel n0 + j
        for (var kh = 0; kh < KH; kh = kh + 1) {
          let ih = ih0 + vec4<i32>(kh);
          let okH = (ih >= vec4<i32>(0)) & (ih < vec4<i32>(H));
          for (var kw = 0; kw < KW; kw = kw + 1) {
            let iw = iw0 + vec4<i32>(kw);
            // Taps in the padding read x[clamped] and are zeroed by select.
            let ok = okH & (iw >= vec4<i32>(0)) & (iw < vec4<i32>(W));
            let off = img + (ih * W + iw) * Ci;
            var wi = (kh * KW + kw) * Ci * N + n0;
            for (var ci = 0; ci < Ci; ci = ci + 1) {
              let a = select(vec4<f32>(0.0), vec4<f32>(x[off.x + ci], x[off.y + ci], x[off.z + ci], x[off.w + ci]), ok);
              let wv = vec4<f32>(w[wi], w[wi + 1], w[wi + 2], w[wi + 3]);
              acc[0] = acc[0] + a.x * wv;
              acc[1] = acc[1] + a.y * wv;
              acc[2] = acc[2] + a.z * wv;
              acc[3] = acc[3] + a.w * wv;
              wi = wi + N;
            }
          }
        }

        for (var r = 0; r < 4; r = r + 1) {
          let m = m0 + r;
          if (m >= M) { break; }
          for (var j = 0; j < 4; j = j + 1) {
            if (n0 + j < N) { result[m * N + n0 + j] = acc[r][j]; }
          }
        }
      }
    `;
  }
}

const conv2D: tf.KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as WebGPUBackend;
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
  // NCHW, dilation and non-float inputs never occur in our models: tfjs's own kernel handles them.
  const dil = typeof dilations === 'number' ? [dilations, dilations] : dilations ?? [1, 1];
  if (dataFormat === 'NCHW' || dil[0] !== 1 || dil[1] !== 1 || x.dtype !== 'float32' || filter.dtype !== 'float32') {
    return runStock(webgpuConv2DFix, args);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    strides, 1, pad, dimRoundingMode, false, 'channelsLast',
  );
  const m = info.batchSize * info.outHeight * info.outWidth;
  const plan = planConvBlocks(m, info.outChannels);
  return backend.runWebGPUProgram(new Conv2DRegisterProgram(info.outShape, plan), [x, filter], 'float32', [
    { type: 'int32', data: [info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [plan.nBlocks, plan.mBlocks] },
  ]);
};

export const webgpuConv2DFix: KernelFix = { kernelName: 'Conv2D', backendName: 'webgpu', kernelFunc: conv2D };
