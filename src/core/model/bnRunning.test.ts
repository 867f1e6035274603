// BatchNorm's running-statistics update as one op (bnRunning.ts) on cpu: the ops give PyTorch's update in float32
// with each product and sum rounded (the contract the webgpu kernel matches bit for bit, e2e/webgpuKernels.spec.ts),
// and a backend's registered kernel is what runs when there is one.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { BN_RUNNING_UPDATE, bnRunningConstants, bnRunningUpdate } from './bnRunning';

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(() => {
  if (tf.getKernel(BN_RUNNING_UPDATE, 'cpu')) tf.unregisterKernel(BN_RUNNING_UPDATE, 'cpu');
});

const f = Math.fround;

describe('bnRunningUpdate', () => {
  it('is rm·(1−m) + mean·m and rv·(1−m) + (var·n/(n−1))·m, every step rounded to float32', async () => {
    const rm = [0.5, -3.25, 1e-3];
    const rv = [0.9, 2.5, 1e4];
    const mean = [0.1, 7.75, -2e-4];
    const variance = [0.3, 0.0625, 123.456];
    const attrs = { momentum: 0.03, n: 8192 };
    const [keep, take, unbias] = bnRunningConstants(attrs);
    expect([keep, take, unbias]).toEqual([f(0.97), f(0.03), f(8192 / 8191)]);
    const [m, v] = tf.tidy(() => bnRunningUpdate(tf.tensor1d(rm), tf.tensor1d(rv), tf.tensor1d(mean), tf.tensor1d(variance), attrs));
    const want = (r: number, s: number, unb: boolean) => f(f(f(r) * keep) + f((unb ? f(f(s) * unbias) : f(s)) * take));
    expect(Array.from(await m.data())).toEqual(rm.map((r, i) => want(r, mean[i], false)));
    expect(Array.from(await v.data())).toEqual(rv.map((r, i) => want(r, variance[i], true)));
    tf.dispose([m, v]);
  });

  it('takes n = 1 as no unbiasing (PyTorch would divide by zero; one value per channel has variance 0)', () => {
    expect(bnRunningConstants({ momentum: 0.1, n: 1 })).toEqual([f(0.9), f(0.1), 1]);
  });

  it('runs the backend kernel when one is registered, and the ops when asked to', async () => {
    const calls: tf.NamedAttrMap[] = [];
    tf.registerKernel({
      kernelName: BN_RUNNING_UPDATE,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        calls.push(attrs ?? {});
        const cpu = backend as unknown as { makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo };
        const c = (inputs.runningMean as tf.TensorInfo).shape[0];
        return [cpu.makeTensorInfo([c], 'float32', new Float32Array(c).fill(1)), cpu.makeTensorInfo([c], 'float32', new Float32Array(c).fill(2))];
      },
    });
    const ones = () => tf.ones([2]);
    const [m, v] = tf.tidy(() => bnRunningUpdate(ones(), ones(), ones(), ones(), { momentum: 0.03, n: 4 }));
    expect([Array.from(await m.data()), Array.from(await v.data())]).toEqual([[1, 1], [2, 2]]);
    expect(calls).toEqual([{ momentum: 0.03, n: 4 }]);
    const [m2] = tf.tidy(() => bnRunningUpdate(ones(), ones(), ones(), ones(), { momentum: 0.03, n: 4 }, true));
    expect(Array.from(await m2.data())).toEqual([1, 1]); // 1·0.97 + 1·0.03 in float32
    expect(calls).toHaveLength(1);
    tf.dispose([m, v, m2]);
  });
});
