import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { currentWebGpuDevice, describeLoss, destroyWebGpuDevice, dropWebGpuBackend, GpuDeviceLostError, watchDevice } from './deviceLoss';

/** A stand-in GPUDevice: `lose()` resolves its lost promise as the browser would. */
function fakeDevice() {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const lost = new Promise<GPUDeviceLostInfo>((resolve) => (lose = resolve));
  let destroyed = 0;
  const device = {
    lost,
    destroy: () => {
      destroyed++;
      lose({ reason: 'destroyed', message: 'Device was destroyed.' } as GPUDeviceLostInfo);
    },
  } as unknown as GPUDevice;
  return { device, lose, destroyed: () => destroyed };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('device loss', () => {
  afterAll(async () => {
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    await tf.setBackend('cpu');
  });

  it('describes the loss with the browser message and the reason', () => {
    expect(describeLoss({ reason: 'destroyed', message: 'Device was destroyed.' })).toBe('Device was destroyed (destroyed)');
    expect(describeLoss({ reason: 'unknown', message: '' })).toBe('unknown');
    const err = new GpuDeviceLostError('Device was destroyed (destroyed)');
    expect(err.code).toBe('device_lost');
    expect(err.message).toMatch(/^the GPU device was lost: Device was destroyed \(destroyed\)\. /);
  });

  it('tells the watcher once, and never after it stopped watching', async () => {
    const a = fakeDevice();
    const seen: string[] = [];
    watchDevice(a.device, (r) => seen.push(r));
    a.lose({ reason: 'unknown', message: 'GPU hung' } as GPUDeviceLostInfo);
    await tick();
    expect(seen).toEqual(['GPU hung (unknown)']);
    const b = fakeDevice();
    const stop = watchDevice(b.device, (r) => seen.push(r));
    stop();
    b.device.destroy();
    await tick();
    expect(seen).toHaveLength(1);
  });

  it('makes tfjs forget the dead webgpu backend and start a new one from the same factory', async () => {
    // A 'webgpu' backend stand-in in Node: the cpu backend class behind a factory, carrying a fake device.
    const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    const devices: ReturnType<typeof fakeDevice>[] = [];
    const factory = () => {
      const d = fakeDevice();
      devices.push(d);
      return Object.assign(new Cpu(), { device: d.device });
    };
    tf.registerBackend('webgpu', factory, 3);
    await tf.setBackend('webgpu');
    const first = tf.backend();
    expect(currentWebGpuDevice()).toBe(devices[0].device);
    expect(destroyWebGpuDevice()).toBe(true);
    expect(devices[0].destroyed()).toBe(1);

    dropWebGpuBackend();
    expect('webgpu' in tf.engine().registry).toBe(false); // (findBackend would initialise it again)
    expect(tf.findBackendFactory('webgpu')).toBe(factory);
    expect(await tf.setBackend('webgpu')).toBe(true);
    expect(tf.backend()).not.toBe(first);
    expect(currentWebGpuDevice()).toBe(devices[1].device);

    await tf.setBackend('cpu');
    expect(currentWebGpuDevice()).toBeNull();
    expect(destroyWebGpuDevice()).toBe(false);
  });
});
