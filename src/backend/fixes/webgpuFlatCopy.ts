// The multi-tensor optimizer's gather / scatter (core/optim/flat.ts) on WebGPU without compute dispatches: each
// piece is one copyBufferToBuffer in the backend's command encoder, between its compute passes. tf.concat would be
// ~N/7 dispatches (7 storage buffers per shader) and tf.split N slice dispatches; for yolov5n's ~350 tensors per
// step (optimizer + EMA) that is most of the optimizer's dispatches. Float32 only (what the optimizer moves).
import * as tf from '@tensorflow/tfjs';
import { FLAT_GATHER, FLAT_SCATTER, type FlatScatterAttrs } from '../../core/optim/flat';

/** The parts of WebGPUBackend 4.22 a copy needs (all public-by-convention members of its class). */
export interface Internals {
  tensorMap: { get(id: object): { resource: unknown } };
  uploadToGPU(id: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  commandEncoder: GPUCommandEncoder;
  /** Buffers read or written by recorded, unsubmitted commands: disposal is deferred until the submit. */
  commandQueueOwnedIds: WeakSet<object>;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

function gpuBuffer(b: Internals, t: tf.TensorInfo): GPUBuffer {
  b.uploadToGPU(t.dataId);
  const res = b.tensorMap.get(t.dataId).resource;
  if (!(res instanceof GPUBuffer)) throw new Error(`${FLAT_GATHER}/${FLAT_SCATTER} (webgpu): tensor [${t.shape}] is not in a GPUBuffer`);
  return res;
}

/** Records dst[dstOff..] = src[srcOff..] for `n` float32 elements (a buffer copy between compute passes). */
export function copy(b: Internals, src: tf.TensorInfo, srcOff: number, dst: tf.TensorInfo, dstOff: number, n: number): void {
  if (n === 0) return;
  const s = gpuBuffer(b, src);
  const d = gpuBuffer(b, dst);
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder(); // copies live outside compute passes
  b.commandEncoder.copyBufferToBuffer(s, srcOff * 4, d, dstOff * 4, n * 4);
  b.commandQueueOwnedIds.add(src.dataId);
  b.commandQueueOwnedIds.add(dst.dataId);
}

/** Rows 0..k-1 of a (k, C) float32 buffer as k new (C) tensors, by buffer copies (no dispatch). */
export function rowsOf(b: Internals, src: tf.TensorInfo, c: number, k: number): tf.TensorInfo[] {
  return Array.from({ length: k }, (_, i) => {
    const t = b.makeTensorInfo([c], 'float32');
    copy(b, src, i * c, t, 0, c);
    return t;
  });
}

function checkFloat(t: tf.TensorInfo, kernel: string): void {
  if (t.dtype !== 'float32') throw new Error(`${kernel} (webgpu): only float32, got ${t.dtype} [${t.shape}]`);
}

const gather: tf.KernelFunc = ({ inputs, backend }) => {
  const b = backend as unknown as Internals;
  const ts = Object.values(inputs) as tf.TensorInfo[];
  ts.forEach((t) => checkFloat(t, FLAT_GATHER));
  const sizes = ts.map((t) => tf.util.sizeFromShape(t.shape));
  const total = sizes.reduce((a, n) => a + n, 0);
  const out = b.makeTensorInfo([total], 'float32'); // (sum of sizes,)
  let off = 0;
  ts.forEach((t, i) => {
    copy(b, t, 0, out, off, sizes[i]);
    off += sizes[i];
  });
  return out;
};

const scatter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as Internals;
  const x = inputs.x as tf.TensorInfo; // (n,)
  checkFloat(x, FLAT_SCATTER);
  const { shapes } = attrs as unknown as FlatScatterAttrs;
  const sizes = shapes.map((s) => tf.util.sizeFromShape(s));
  const total = sizes.reduce((a, n) => a + n, 0);
  if (total !== tf.util.sizeFromShape(x.shape)) {
    throw new Error(`${FLAT_SCATTER} (webgpu): pieces of ${total} elements from a tensor of ${tf.util.sizeFromShape(x.shape)}`);
  }
  let off = 0;
  return shapes.map((shape, i) => {
    const out = b.makeTensorInfo(shape, 'float32');
    copy(b, x, off, out, 0, sizes[i]);
    off += sizes[i];
    return out;
  });
};

/** Registers both kernels for 'webgpu' (after tfjs-backend-webgpu is imported). Idempotent. */
export function installWebGpuFlatCopy(): void {
  if (!tf.getKernel(FLAT_GATHER, 'webgpu')) tf.registerKernel({ kernelName: FLAT_GATHER, backendName: 'webgpu', kernelFunc: gather });
  if (!tf.getKernel(FLAT_SCATTER, 'webgpu')) tf.registerKernel({ kernelName: FLAT_SCATTER, backendName: 'webgpu', kernelFunc: scatter });
}

/** Unregisters them: core/optim/flat.ts falls back to tf.concat / tf.split (the bench's stock side). */
export function uninstallWebGpuFlatCopy(): void {
  if (tf.getKernel(FLAT_GATHER, 'webgpu')) tf.unregisterKernel(FLAT_GATHER, 'webgpu');
  if (tf.getKernel(FLAT_SCATTER, 'webgpu')) tf.unregisterKernel(FLAT_SCATTER, 'webgpu');
}
