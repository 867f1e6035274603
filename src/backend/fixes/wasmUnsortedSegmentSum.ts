import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, heapI32 } from './wasmHeap';
import type { KernelFix } from './kernelFix';

// tfjs 4.22's wasm backend has no UnsortedSegmentSum, which is the gradient of tf.gather (GatherV2).
// out[s, ...] = sum over i with ids[i] == s of x[i, ...]; ids outside [0, numSegments) are dropped, as on cpu.

const unsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(innerShape);
  const n = tf.util.sizeFromShape(segmentIds.shape);

  const out = wasm.makeOutput([numSegments, ...innerShape], 'float32'); // (numSegments, ...inner)
  const xv = heapF32(wasm, x, 'UnsortedSegmentSum'); // (n, ...inner)
  const ids = heapI32(wasm, segmentIds, 'UnsortedSegmentSum'); // (n)
  const ov = heapF32(wasm, out, 'UnsortedSegmentSum');
  ov.fill(0);
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) ov[dst + j] += xv[src + j];
  }
  return out;
};

export const wasmUnsortedSegmentSumFix: KernelFix = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
