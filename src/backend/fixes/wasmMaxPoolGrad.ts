import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32 } from './wasmHeap';
import type { KernelFix } from './kernelFix';

// tfjs 4.22's wasm MaxPoolGrad starts its max search at FLT_MIN (+1.2e-38), so a window whose values are all
// <= 0 routes no gradient (SPPF pools SiLU outputs, which go negative). This JS kernel on the wasm heap sends
// each dy to the *first* maximum of its window in row-major window order, exactly like the cpu kernel, so
// wasm and cpu agree bit for bit.

const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;

  const dx = wasm.makeOutput(input.shape, 'float32'); // (B, H, W, C), same as input
  const xv = heapF32(wasm, input, 'MaxPoolGrad');
  const dyv = heapF32(wasm, dy, 'MaxPoolGrad'); // (B, outH, outW, C)
  const dxv = heapF32(wasm, dx, 'MaxPoolGrad');
  dxv.fill(0);

  const best = new Float32Array(C); // running max per channel for the current window
  const arg = new Int32Array(C); // flat x index of that max, -1 = none yet
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = yR * sh - top;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(inHeight, r0 + fh);
      for (let yC = 0; yC < outWidth; yC++) {
        const c0 = yC * sw - left;
        const cLo = Math.max(0, c0);
        const cHi = Math.min(inWidth, c0 + fw);
        best.fill(-Infinity);
        arg.fill(-1);
        for (let xR = rLo; xR < rHi; xR++) {
          for (let xC = cLo; xC < cHi; xC++) {
            const base = ((b * inHeight + xR) * inWidth + xC) * C;
            for (let d = 0; d < C; d++) {
              const v = xv[base + d];
              if (v > best[d]) {
                best[d] = v;
                arg[d] = base + d;
              }
            }
          }
        }
        const o = ((b * outHeight + yR) * outWidth + yC) * C;
        for (let d = 0; d < C; d++) if (arg[d] >= 0) dxv[arg[d]] += dyv[o + d];
      }
    }
  }
  return dx;
};

export const wasmMaxPoolGradFix: KernelFix = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
