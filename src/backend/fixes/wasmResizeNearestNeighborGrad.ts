import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nearestSourceIndices, scatterNearestGrad } from './cpuResizeNearestNeighborGrad';
import { runStock, type KernelFix } from './kernelFix';
import { heapF32 } from './wasmHeap';

// Speed and correctness: tfjs 4.22's wasm ResizeNearestNeighborGrad searches, for every input cell, the window
// of outputs that may come from it (~15 ns per dy element, ~60 ms per yolov5n step for the two Upsample layers
// at 256 px, batch 16), and ignores halfPixelCenters. We scatter dy back through the source indices the wasm
// forward uses (the same as cpu's, cpuResizeNearestNeighborGrad.ts), one channel row at a time:
// dx[b, src(r), src(c), :] += dy[b, r, c, :].

const resizeNearestNeighborGrad: tf.KernelFunc = (args) => {
  const wasm = args.backend as BackendWasm;
  const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as tf.ResizeNearestNeighborGradAttrs;
  if (dy.dtype !== 'float32') return runStock(wasmResizeNearestNeighborGradFix, args);
  const [batch, xH, xW, depth] = images.shape; // (B, xH, xW, C) NHWC
  const [, yH, yW] = dy.shape; // (B, yH, yW, C)
  const rows = nearestSourceIndices(yH, xH, alignCorners, halfPixelCenters);
  const cols = nearestSourceIndices(yW, xW, alignCorners, halfPixelCenters);
  const dx = wasm.makeOutput(images.shape, 'float32');
  const dyv = heapF32(wasm, dy, 'ResizeNearestNeighborGrad');
  const dxv = heapF32(wasm, dx, 'ResizeNearestNeighborGrad');
  dxv.fill(0);
  scatterNearestGrad(dyv, dxv, batch, xH, xW, depth, rows, cols);
  return dx;
};

export const wasmResizeNearestNeighborGradFix: KernelFix = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: resizeNearestNeighborGrad,
};
