import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { runStock, type KernelFix } from './kernelFix';

// Conv2DBackpropInput (the gradient of a conv with respect to x), NHWC dy, HWIO w, with no workgroup memory and no
// barriers, for the reason given in webgpuConv2D.ts (a CPU adapter pays each barrier per invocation):
//   dx[b, ih, iw, ci] = Σ_{kh, kw, co} dy[b, oh, ow, co] · w[kh, kw, ci, co],  oh·s = ih + padTop − kh (same for w),
// i.e. a GEMM dx (M = B·H·W, N = Ci) = A (M, K = taps·Co) · Wᵀ. With stride s only the taps with kh ≡ ih + padTop
// (mod s) reach pixel ih, so pixels are grouped by their phase (ih mod s is the row itself; iw mod s = pw): each
// thread owns 4 pixels of one row and one column phase, iw = pw + s·(4q + r), r = 0..3, and 4 input channels.
// All 4 pixels then take the same taps, with ow = ow₀ + r, and a stride-2 layer does a quarter of the taps instead
// of masking three quarters of them.
// No value import of tfjs-backend-webgpu here: select.ts (also loaded in Node) pulls this file in.

const WG = 64;
const SMALL = 4 * WG; // fewer threads than this: 16-thread workgroups, so the cores all get some

export interface InputGradPlan { nBlocks: number; qBlocks: number; rowBlocks: number; workgroup: number }

/** nBlocks of 4 channels x rowBlocks = B·H·s·qBlocks groups of 4 same-phase pixels (qBlocks per row and phase). */
export function planInputGrad(info: tf.backend_util.Conv2DInfo): InputGradPlan {
  const s = info.strideWidth;
  const nBlocks = Math.ceil(info.inChannels / 4);
  const qBlocks = Math.ceil(Math.ceil(info.inWidth / s) / 4);
  const rowBlocks = info.batchSize * info.inHeight * s * qBlocks;
  return { nBlocks, qBlocks, rowBlocks, workgroup: nBlocks * rowBlocks < SMALL ? 16 : WG };
}

class InputGradRegisterProgram implements WebGPUProgram {
  variableNames = ['dy', 'w'];
  // (strideH, strideW, padTop, padLeft), (nBlocks, qBlocks, rowBlocks)
  uniforms = 'conv : vec4<i32>, blocks : vec3<i32>,';
  workgroupSize: [number, number, number];
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  outputShape: number[];
  shaderKey: string;

  constructor(outputShape: number[], plan: InputGradPlan) {
    this.outputShape = outputShape;
    this.workgroupSize = [plan.workgroup, 1, 1];
    this.dispatch = [Math.ceil((plan.nBlocks * plan.rowBlocks) / plan.workgroup), 1, 1];
    this.shaderKey = `yoloConv2DDerInputRegister${plan.workgroup}`;
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let NB = uniforms.blocks.x;
        let QB = uniforms.blocks.y;
        if (index >= NB * uniforms.blocks.z) { return; }
        let H = uniforms.outShape[1];
        let W = uniforms.outShape[2];
        let Ci = uniforms.outShape[3];
        let OH = uniforms.dyShape[1];
        let OW = uniforms.dyShape[2];
        let Co = uniforms.dyShape[3];
        let KH = uniforms.wShape[0];
        let KW = uniforms.wShape[1];
        let sh = uniforms.conv.x;
        let sw = uniforms.conv.y;
        let ci0 = (index % NB) * 4;
        // Row block -> (b, ih, pw, q): pixels iw = pw + sw·(4q + r) of row ih of image b.
        var rb = index / NB;
        let q = rb % QB;
        rb = rb / QB;
        let pw = rb % sw;
        rb = rb / sw;
        let ih = rb % H;
        let b = rb / H;
        let iw = vec4<i32>(pw) + vec4<i32>(sw) * (vec4<i32>(4 * q) + vec4<i32>(0, 1, 2, 3));
        let inRow = iw < vec4<i32>(W);

        var acc : array<vec4<f32>, 4>; // acc[r][j]: pixel iw[r], channel ci0 + j
        // Taps that reach row ih: kh = (ih + padTop) mod sh, + sh, ...; oh = (ih + padTop − kh) / sh.
        for (var kh = (ih + uniforms.conv.z) % sh; kh < KH; kh = kh + sh) {
          let oh = (ih + uniforms.conv.z - kh) / sh;
          if (oh < 0 || oh >= OH) { continue; }
          for (var kw = (pw + uniforms.conv.w) % sw; kw < KW; kw = kw + sw) {
            // ow of pixel r is ow0 + r (exact: pw + padLeft − kw is a multiple of sw).
            let ow = vec4<i32>((pw + uniforms.conv.w - kw) / sw + 4 * q) + vec4<i32>(0, 1, 2, 3);
            let ok = inRow & (ow >= vec4<i32>(0)) & (ow < vec4<i32>(OW));
            let off = ((b * OH + oh) * OW + ow) * Co;
            // w[kh, kw, ci0 + j, co] for the 4 channels: rows Co apart, walked along co.
            let wRow = ((kh * KW + kw) * Ci + ci0) * Co;
            for (var co = 0; co < Co; co = co + 1) {
              let a = select(vec4<f32>(0.0), vec4<f32>(dy[off.x + co], dy[off.y + co], dy[off.z + co], dy[off.w + co]), ok);
              let wi = wRow + co;
              let wv = vec4<f32>(w[wi], w[wi + Co], w[wi + 2 * Co], w[wi + 3 * Co]);
              acc[0] = acc[0] + a.x * wv;
              acc[1] = acc[1] + a.y * wv;
              acc[2] = acc[2] + a.z * wv;
              acc[3] = acc[3] + a.w * wv;
            }
          }
        }

        for (var r = 0; r < 4; r = r + 1) {
          if (!inRow[r]) { break; }
          let base = ((b * H + ih) * W + iw[r]) * Ci + ci0;
          for (var j = 0; j < 4; j = j + 1) {
            if (ci0 + j < Ci) { result[base + j] = acc[r][j]; }
          }
        }
      }
    `;
  }
}

const conv2DBackpropInput: tf.KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as WebGPUBackend;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  // NCHW and non-float inputs never occur in our models: tfjs's own kernel handles them.
  if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return runStock(webgpuConv2DBackpropInputFix, args);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast',
  );
  const plan = planInputGrad(info);
  return backend.runWebGPUProgram(new InputGradRegisterProgram(info.inShape, plan), [dy, filter], 'float32', [
    { type: 'int32', data: [info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [plan.nBlocks, plan.qBlocks, plan.rowBlocks] },
  ]);
};

export const webgpuConv2DBackpropInputFix: KernelFix = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'webgpu',
  kernelFunc: conv2DBackpropInput,
};
