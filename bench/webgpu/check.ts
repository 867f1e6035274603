// Our webgpu kernels checked on the adapter, for e2e/webgpuKernels.spec.ts and the bench: Conv2DBackpropFilter
// against the cpu backend on the same data, and the flat gather/scatter copies round trip.
import * as tf from '@tensorflow/tfjs';
import { webgpuConv2DBackpropFilterFix as fix } from '../../src/backend/fixes/webgpuConv2DBackpropFilter';
import { gatherFlat, scatterFlat } from '../../src/core/optim';
import { createRng } from '../../src/core/rng';
import type { CheckResult, FilterCase, FilterCheck } from './protocol';

function data(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** dW on `backend` through the kernel registry (the op tf.grad uses), read back. */
async function filterGrad(backend: string, c: FilterCase, xs: Float32Array, dys: Float32Array, dyShape: number[]) {
  await tf.setBackend(backend);
  const dw = tf.tidy(() => tf.engine().runKernel('Conv2DBackpropFilter',
    { x: tf.tensor4d(xs, c.x), dy: tf.tensor(dys, dyShape) },
    { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: c.filter } as unknown as tf.NamedAttrMap) as tf.Tensor);
  const out = (await dw.data()) as Float32Array;
  dw.dispose();
  return out;
}

/** d(sum(conv2d(x, w) * r))/dw through tf.grad: the training path, with whatever kernel is registered. */
async function gradThroughTape(backend: string, xs: Float32Array, ws: Float32Array, rs: Float32Array) {
  await tf.setBackend(backend);
  const g = tf.tidy(() => {
    const x = tf.tensor4d(xs, [3, 13, 13, 5]);
    const r = tf.tensor4d(rs, [3, 7, 7, 6]);
    return tf.grad((w) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, 2, 1), r)))(tf.tensor4d(ws, [3, 3, 5, 6]));
  });
  const out = (await g.data()) as Float32Array;
  g.dispose();
  return out;
}

export async function checkFilterGrad(cases: FilterCase[]): Promise<CheckResult> {
  const registered = tf.getKernel(fix.kernelName, 'webgpu')?.kernelFunc === fix.kernelFunc;
  const out: FilterCheck[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad);
      const dyShape = [c.x[0], info.outHeight, info.outWidth, c.filter[3]];
      const xs = data(c.x.reduce((a, b) => a * b), 10 + i);
      const dys = data(dyShape.reduce((a, b) => a * b), 100 + i);
      const ref = await filterGrad('cpu', c, xs, dys, dyShape);
      const got = await filterGrad('webgpu', c, xs, dys, dyShape);
      out.push({ ...c, maxAbsDiff: ref.length === got.length ? maxDiff(got, ref) : Infinity, maxAbsRef: maxAbs(ref) });
    }
    const [xs, ws, rs] = [data(3 * 13 * 13 * 5, 1), data(3 * 3 * 5 * 6, 2), data(3 * 7 * 7 * 6, 3)];
    const ref = await gradThroughTape('cpu', xs, ws, rs);
    const got = await gradThroughTape('webgpu', xs, ws, rs);
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
      registered, cases: out, gradMaxAbsDiff: maxDiff(got, ref) / Math.max(1, maxAbs(ref)),
      pad5MaxAbsDiff: padRef.length === padGot.length ? maxDiff(padGot, padRef) : Infinity,
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
