// Our webgpu kernels checked on the adapter, for e2e/webgpuKernels.spec.ts and the bench: the three conv kernels
// (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter) against the cpu backend on the same data, and the flat
// gather/scatter copies round trip.
import * as tf from '@tensorflow/tfjs';
import { WEBGPU_SPEED_FIXES } from '../../src/backend/fixes/webgpu';
import { gatherFlat, scatterFlat } from '../../src/core/optim';
import { createRng } from '../../src/core/rng';
import type { CheckResult, ConvCase, ConvCheck, ConvKernel, Diff } from './protocol';

const CONV_KERNELS: ConvKernel[] = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];

function data(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** The three conv kernels' inputs and attrs for case `c`, as tfjs's conv2d and its gradient pass them. */
function kernelCall(name: ConvKernel, c: ConvCase, t: { x: tf.Tensor; w: tf.Tensor; dy: tf.Tensor }): [tf.NamedTensorMap, object] {
  const common = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  if (name === 'Conv2D') return [{ x: t.x, filter: t.w }, { ...common, dilations: 1 }];
  if (name === 'Conv2DBackpropInput') return [{ dy: t.dy, filter: t.w }, { ...common, inputShape: c.x }];
  return [{ x: t.x, dy: t.dy }, { ...common, filterShape: c.filter }];
}

/** Each conv kernel's output on `backend` through the kernel registry (what tf.conv2d and tf.grad use), read back. */
async function convKernels(backend: string, c: ConvCase, data: { x: Float32Array; w: Float32Array; dy: Float32Array }, dyShape: number[]) {
  await tf.setBackend(backend);
  const out = {} as Record<ConvKernel, Float32Array>;
  for (const name of CONV_KERNELS) {
    const r = tf.tidy(() => {
      const t = { x: tf.tensor4d(data.x, c.x), w: tf.tensor4d(data.w, c.filter), dy: tf.tensor(data.dy, dyShape) };
      const [inputs, attrs] = kernelCall(name, c, t);
      return tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    out[name] = (await r.data()) as Float32Array;
    r.dispose();
  }
  return out;
}

/** d(sum(conv2d(x, w) * r))/d(x, w) through tf.grads: the training path, with whatever kernels are registered. */
async function gradThroughTape(backend: string, xs: Float32Array, ws: Float32Array, rs: Float32Array) {
  await tf.setBackend(backend);
  const [dx, dw] = tf.tidy(() => {
    const r = tf.tensor4d(rs, [3, 7, 7, 6]);
    return tf.grads((x, w) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 1), r)))(
      [tf.tensor4d(xs, [3, 13, 13, 5]), tf.tensor4d(ws, [3, 3, 5, 6])],
    );
  });
  const out = [(await dx.data()) as Float32Array, (await dw.data()) as Float32Array];
  tf.dispose([dx, dw]);
  return out;
}

export async function checkConvKernels(cases: ConvCase[]): Promise<CheckResult> {
  const registered = Object.fromEntries(CONV_KERNELS.map((name) => {
    const fix = WEBGPU_SPEED_FIXES.find((f) => f.kernelName === name);
    return [name, fix !== undefined && tf.getKernel(name, 'webgpu')?.kernelFunc === fix.kernelFunc];
  })) as Record<ConvKernel, boolean>;
  const out: ConvCheck[] = [];
  const tensorsBefore = tf.memory().numTensors;
  try {
    for (const [i, c] of cases.entries()) {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad);
      const dyShape = [c.x[0], info.outHeight, info.outWidth, c.filter[3]];
      const size = (s: number[]) => s.reduce((a, b) => a * b);
      const d = { x: data(size(c.x), 10 + i), w: data(size(c.filter), 50 + i), dy: data(size(dyShape), 100 + i) };
      const ref = await convKernels('cpu', c, d, dyShape);
      const got = await convKernels('webgpu', c, d, dyShape);
      const errors = Object.fromEntries(CONV_KERNELS.map((name) => [name, {
        maxAbsDiff: ref[name].length === got[name].length ? maxDiff(got[name], ref[name]) : Infinity,
        maxAbsRef: maxAbs(ref[name]),
      }])) as Record<ConvKernel, Diff>;
      out.push({ ...c, errors });
    }
    const [xs, ws, rs] = [data(3 * 13 * 13 * 5, 1), data(3 * 3 * 5 * 6, 2), data(3 * 7 * 7 * 6, 3)];
    const ref = await gradThroughTape('cpu', xs, ws, rs);
    const got = await gradThroughTape('webgpu', xs, ws, rs);
    const rel = (k: number) => maxDiff(got[k], ref[k]) / Math.max(1, maxAbs(ref[k]));
    // Rank-5 pad (the gradient of a slice of the loss's (B, na, H, W, no) tensors): stock webgpu drops it.
    const ps = data(2 * 3 * 4 * 5 * 7, 4);
    const padOn = async (backend: string) => {
      await tf.setBackend(backend);
      const p = tf.tidy(() => tf.pad(tf.tensor(ps, [2, 3, 4, 5, 7]), [[0, 0], [0, 0], [0, 0], [0, 0], [2, 3]]));
      const v = (await p.data()) as Float32Array;
      p.dispose();
      return v;
    };
    const padRef = await padOn('cpu');
    const padGot = await padOn('webgpu');
    return {
      registered, cases: out, gradMaxAbsDiff: { dx: rel(0), dw: rel(1) },
      pad5MaxAbsDiff: padRef.length === padGot.length ? maxDiff(padGot, padRef) : Infinity,
      leakedTensors: tf.memory().numTensors - tensorsBefore,
    };
  } finally {
    await tf.setBackend('webgpu');
  }
}

/** The copy kernels on this adapter: odd-sized pieces through gather and scatter come back bit for bit. */
export async function checkFlatCopy(): Promise<void> {
  const shapes = [[3, 3, 3, 5], [7], [1, 1, 5, 7], [2]];
  const parts = shapes.map((s, k) => tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5 + k), s));
  const back = tf.tidy(() => scatterFlat(tf.mul(gatherFlat(parts), 1) as tf.Tensor1D, shapes));
  for (let k = 0; k < shapes.length; k++) {
    const [a, b] = [await parts[k].data(), await back[k].data()];
    if (back[k].shape.join() !== shapes[k].join() || a.some((v, i) => v !== b[i])) {
      throw new Error(`flat gather/scatter on webgpu: piece ${k} [${shapes[k]}] came back wrong`);
    }
  }
  tf.dispose([...parts, ...back]);
}
