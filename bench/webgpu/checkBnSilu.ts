// The fused train-mode BN + SiLU on the adapter (for e2e/webgpuBnSilu.spec.ts): bnSiluTrain through our WebGPU
// kernels against the cpu backend's autodiff of BatchNorm2d.apply(train) + SiLU (the path Conv takes there), per
// shape; then one whole Conv block (conv + BN + SiLU, running statistics) on both backends, with the dispatches
// its forward + backward records on webgpu with and without the fused kernels.
import * as tf from '@tensorflow/tfjs';
import { installWebGpuBnSilu, uninstallWebGpuBnSilu } from '../../src/backend/fixes/webgpuBnSilu';
import { bnSiluTrain, fusedBnSiluActive } from '../../src/core/model/bnSilu';
import { BatchNorm2d, BN_EPS, Conv } from '../../src/core/model/layers';
import { Registry } from '../../src/core/model/registry';
import { createRng } from '../../src/core/rng';
import { TorchGenerator } from '../../src/core/torchGenerator';
import { since, snapshot } from './counters';
import type { BnSiluCase, BnSiluCheck, BnSiluResult, ConvBlockCheck, Errors } from './protocol';

function uniform(seed: number, n: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function errors(got: Float32Array[], ref: Float32Array[], names: string[]): Errors {
  const out: Errors = {};
  names.forEach((k, i) => {
    const [g, r] = [got[i], ref[i]];
    let diff = g.length === r.length ? 0 : Infinity;
    let rel = 0;
    for (let j = 0; j < r.length && diff !== Infinity; j++) {
      const d = Math.abs(g[j] - r[j]);
      diff = Math.max(diff, Number.isNaN(d) ? Infinity : d);
      rel = Math.max(rel, d / Math.max(Math.abs(r[j]), 1e-3));
    }
    out[k] = { maxAbsDiff: diff, maxAbsRef: maxAbs(r), maxRelDiff: rel };
  });
  return out;
}

async function read(ts: tf.Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(ts);
  return out;
}

const BN_NAMES = ['out', 'mean', 'variance', 'dy', 'dgamma', 'dbeta'];

/** y's data for case `c` (seeded), shared by both backends and the float64 statistics. */
const yData = (c: BnSiluCase, seed: number) =>
  uniform(seed + 3, c.shape.reduce((a, b) => a * b, 1), c.offset - c.spread, c.offset + c.spread);

/** Per-channel mean and biased variance of y in float64 (two passes): the truth both float32 backends approximate. */
function stats64(c: BnSiluCase, seed: number): [Float64Array, Float64Array] {
  const y = yData(c, seed);
  const ch = c.shape[3];
  const n = y.length / ch;
  const mean = new Float64Array(ch);
  const variance = new Float64Array(ch);
  for (let i = 0; i < y.length; i++) mean[i % ch] += y[i] / n;
  for (let i = 0; i < y.length; i++) variance[i % ch] += (y[i] - mean[i % ch]) ** 2 / n;
  return [mean, variance];
}

const maxErr = (a: Float32Array, truth: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - truth[i])), 0);

/** [out, mean, variance, dy, dγ, dβ] for loss = Σ out·r on the current backend: fused op or autodiff path. */
async function bnOnBackend(backend: string, c: BnSiluCase, seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const [, , , ch] = c.shape;
  const size = c.shape.reduce((a, b) => a * b, 1);
  const bn = new BatchNorm2d(new Registry(new TorchGenerator(seed)), 'bn', ch);
  const ts = tf.tidy(() => {
    bn.weight.assign(tf.tensor1d(uniform(seed + 1, ch, 0.5, 1.5)));
    bn.bias.assign(tf.tensor1d(uniform(seed + 2, ch, -0.5, 0.5)));
    // Values far from 0 (offset) with a small spread: the variance must be computed from centred values.
    const y = tf.tensor4d(yData(c, seed), c.shape);
    const r = tf.tensor4d(uniform(seed + 4, size, -1, 1), c.shape);
    const g = bn.weight as tf.Tensor1D;
    const b = bn.bias as tf.Tensor1D;
    let kept: tf.Tensor[] = [];
    const { grads } = tf.valueAndGrads((yy) => {
      let out: tf.Tensor4D;
      if (backend === 'cpu') {
        const z = bn.apply(yy as tf.Tensor4D, true);
        out = tf.mul(z, tf.sigmoid(z));
        const mean = tf.mean(yy, [0, 1, 2]);
        kept = [out, mean, tf.mean(tf.square(tf.sub(yy, tf.mean(yy, [0, 1, 2], true))), [0, 1, 2])];
      } else {
        const res = bnSiluTrain(yy as tf.Tensor4D, g, b, BN_EPS);
        out = res.out;
        kept = [out, res.mean, res.variance];
      }
      kept.forEach((t) => tf.keep(t));
      return tf.sum(tf.mul(out, r));
    })([y, g, b]);
    return [...kept, ...grads];
  });
  bn.weight.dispose();
  bn.bias.dispose();
  bn.runningMean.dispose();
  bn.runningVar.dispose();
  return read(ts);
}

const CONV_NAMES = ['out', 'dx', 'dweight', 'dgamma', 'dbeta', 'runningMean', 'runningVar'];

/** One Conv block (train) on the current backend: out, its gradients and the running statistics after it. */
async function convOnBackend(backend: string, x: number[], co: number, dispatches?: { n: number }): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const reg = new Registry(new TorchGenerator(5));
  const conv = new Conv(reg, 'c', x[3], co, 3, 2);
  const size = x.reduce((a, b) => a * b, 1);
  const xs = tf.tensor4d(uniform(6, size, -1, 1), x as [number, number, number, number]);
  const before = snapshot();
  const outShape: [number, number, number, number] = [x[0], Math.ceil(x[1] / 2), Math.ceil(x[2] / 2), co]; // 3x3, stride 2
  const ts = tf.tidy(() => {
    let out: tf.Tensor | null = null;
    const r = tf.tensor4d(uniform(7, outShape.reduce((a, b) => a * b, 1), -1, 1), outShape);
    // Gradients for x and the block's three variables, which apply reads itself.
    const { grads } = tf.valueAndGrads((xx) => {
      out = tf.keep(conv.apply(xx as tf.Tensor4D, true));
      return tf.sum(tf.mul(out, r));
    })([xs, conv.weight, conv.bn.weight, conv.bn.bias]);
    return [out!, ...grads, conv.bn.runningMean.clone(), conv.bn.runningVar.clone()];
  });
  if (dispatches) dispatches.n = since(before).dispatches;
  xs.dispose();
  for (const e of reg.entries) e.variable?.dispose();
  return read(ts);
}

export async function checkBnSilu(cases: BnSiluCase[]): Promise<BnSiluResult> {
  const active = fusedBnSiluActive();
  const out: BnSiluCheck[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      const ref = await bnOnBackend('cpu', c, 20 * i);
      const got = await bnOnBackend('webgpu', c, 20 * i);
      const [mean, variance] = stats64(c, 20 * i);
      out.push({
        ...c,
        errors: errors(got, ref, BN_NAMES),
        stats64: {
          cpu: { mean: maxErr(ref[1], mean), variance: maxErr(ref[2], variance) },
          webgpu: { mean: maxErr(got[1], mean), variance: maxErr(got[2], variance) },
        },
      });
    }
    const x = [3, 13, 11, 5];
    const co = 13;
    const ref = await convOnBackend('cpu', x, co);
    const fused = { n: 0 };
    const got = await convOnBackend('webgpu', x, co, fused);
    uninstallWebGpuBnSilu();
    const stock = { n: 0 };
    const gotStock = await convOnBackend('webgpu', x, co, stock);
    const conv: ConvBlockCheck = {
      x, co, errors: errors(got, ref, CONV_NAMES), stockErrors: errors(gotStock, ref, CONV_NAMES),
      dispatches: { fused: fused.n, stock: stock.n },
    };
    return { active, cases: out, conv };
  } finally {
    installWebGpuBnSilu();
    await tf.setBackend('webgpu');
  }
}
