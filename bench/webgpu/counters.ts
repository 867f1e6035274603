// Counts what a WebGPU training step costs beyond kernel time: dispatches (every GPUComputePassEncoder
// .dispatchWorkgroups, whoever records it), queue submits, and readbacks (the backend's getBufferData / readSync).
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export interface Counts { dispatches: number; submits: number; readbacks: number }

const counts: Counts = { dispatches: 0, submits: 0, readbacks: 0 };
let installed = false;

/** Patches the prototypes once per page and the backend instance's read paths. */
export function installCounters(backend: WebGPUBackend): void {
  if (installed) return;
  installed = true;
  const pass = GPUComputePassEncoder.prototype;
  const dispatch = pass.dispatchWorkgroups;
  pass.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...a: Parameters<typeof dispatch>) {
    counts.dispatches += 1;
    return dispatch.apply(this, a);
  };
  const queue = GPUQueue.prototype;
  const submit = queue.submit;
  queue.submit = function (this: GPUQueue, ...a: Parameters<typeof submit>) {
    counts.submits += 1;
    return submit.apply(this, a);
  };
  const b = backend as unknown as { getBufferData(buf: GPUBuffer): Promise<ArrayBuffer>; readSync(id: object): unknown };
  const getBufferData = b.getBufferData.bind(backend);
  b.getBufferData = (buf) => {
    counts.readbacks += 1;
    return getBufferData(buf);
  };
  const readSync = b.readSync.bind(backend);
  b.readSync = (id) => {
    counts.readbacks += 1;
    return readSync(id);
  };
}

export function snapshot(): Counts {
  return { ...counts };
}

export function since(before: Counts): Counts {
  return {
    dispatches: counts.dispatches - before.dispatches,
    submits: counts.submits - before.submits,
    readbacks: counts.readbacks - before.readbacks,
  };
}
