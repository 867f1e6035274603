// A lost WebGPU device (driver reset, GPU removed, the browser reclaiming it, or a test's device.destroy()): how the
// worker notices it (GPUDevice.lost), what it tells the user, and how tfjs is made to forget the dead backend so
// the next start gets a fresh device. After the loss every command on the device is dropped and every readback
// (mapAsync) rejects; nothing computed after it reaches a checkpoint.
import * as tf from '@tensorflow/tfjs';

/** tfjs-backend-webgpu's priority when it registers itself (base.ts). */
const WEBGPU_PRIORITY = 3;

export class GpuDeviceLostError extends Error {
  override name = 'GpuDeviceLostError';
  readonly code = 'device_lost';
  constructor(readonly reason: string) {
    super(`the GPU device was lost: ${reason}. Training stopped at a batch boundary; the last finished epoch's last.pt is kept, so the run can be resumed (on wasm if the GPU keeps failing)`);
  }
}

/** The WebGPU device tfjs computes on, or null when the current backend is not webgpu. */
export function currentWebGpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: GPUDevice }).device ?? null;
}

/** "Device was destroyed. (destroyed)": the browser's message and the spec's reason. */
export function describeLoss(info: Pick<GPUDeviceLostInfo, 'reason' | 'message'>): string {
  const message = info.message.trim().replace(/\.$/, '');
  const reason = info.reason ?? 'unknown';
  return message ? `${message} (${reason})` : reason;
}

/**
 * Calls `onLost` once when `device` is lost. Returns a function that stops watching (a replaced device's late loss
 * must not be taken for the current one's).
 */
export function watchDevice(device: GPUDevice, onLost: (reason: string) => void): () => void {
  let active = true;
  void device.lost.then((info) => {
    if (active) onLost(describeLoss(info));
  });
  return () => {
    active = false;
  };
}

/**
 * Makes tfjs forget its webgpu backend instance (the dead device, its buffers and pipelines) and registers the
 * same factory again, so the next setBackend('webgpu') asks for a new adapter and device. Tensors still held on the
 * old backend stay unusable; the caller disposes what it owns before (the training loop does in its finally).
 */
export function dropWebGpuBackend(): void {
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return;
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', factory, WEBGPU_PRIORITY);
}

/** Test hook: destroys the current WebGPU device (its `lost` promise then resolves with reason 'destroyed'). */
export function destroyWebGpuDevice(): boolean {
  const device = currentWebGpuDevice();
  device?.destroy();
  return device !== null;
}
