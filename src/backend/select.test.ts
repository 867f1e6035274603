import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendError } from './errors';
import { KERNEL_FIXES } from './fixes';
import { initBackend } from './select';
import { maxAbsDiff, read, seededRandom, uniform } from './fixes/testing';

const conv = (x: Float32Array, w: Float32Array) =>
  read(() => tf.conv2d(tf.tensor4d(x, [2, 9, 9, 3]), tf.tensor4d(w, [6, 6, 3, 4]), 2, [[0, 0], [2, 2], [2, 2], [0, 0]]));

function expectFixesInstalled(): void {
  for (const fix of KERNEL_FIXES) {
    expect(tf.getKernel(fix.kernelName, fix.backendName)?.kernelFunc, `${fix.backendName} ${fix.kernelName}`).toBe(
      fix.kernelFunc,
    );
  }
  expect(tf.getGradient(tf.GatherNd)).toBeDefined();
}

describe('initBackend in Node', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('defaults to wasm (single-threaded in Node), installs the fixes, and a conv runs and matches cpu', async () => {
    const info = await initBackend();
    expect(info).toEqual({ backend: 'wasm', threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expectFixesInstalled();
    const rand = seededRandom(71);
    const x = uniform(rand, 2 * 9 * 9 * 3);
    const w = uniform(rand, 6 * 6 * 3 * 4);
    const wasm = conv(x, w);
    expect(await initBackend({ prefer: 'cpu' })).toEqual({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(maxAbsDiff(wasm, conv(x, w))).toBeLessThanOrEqual(1e-5);
  });

  it('installs the fixes idempotently: repeated calls neither re-register nor warn', async () => {
    const warn = vi.spyOn(console, 'warn');
    await initBackend({ prefer: 'cpu' });
    await initBackend({ prefer: 'wasm' });
    await initBackend();
    expectFixesInstalled();
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/already registered/);
  });

  it("a forced 'webgpu' fails loudly when navigator.gpu is missing", async () => {
    vi.stubGlobal('navigator', undefined);
    await expect(initBackend({ prefer: 'webgpu' })).rejects.toMatchObject({
      name: 'BackendError',
      code: 'WEBGPU_MISSING',
    });
  });

  it("a forced 'webgpu' fails loudly when requestAdapter() returns null", async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    const err = await initBackend({ prefer: 'webgpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: 'WEBGPU_NO_ADAPTER', message: expect.stringMatching(/requestAdapter/) });
  });

  it("'webgl' is not available in Node", async () => {
    await expect(initBackend({ prefer: 'webgl' })).rejects.toMatchObject({ code: 'BACKEND_UNSUPPORTED' });
  });
});
