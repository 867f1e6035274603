import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { cpuResizeNearestNeighborGradFix } from './cpuResizeNearestNeighborGrad';
import { maxAbs, maxAbsDiff, seededRandom, uniform, withStockKernel } from './testing';
import { wasmConv2DBackpropFilterFix } from './wasmConv2DBackpropFilter';
import { wasmMaxPoolGradFix } from './wasmMaxPoolGrad';
import { wasmUnsortedSegmentSumFix } from './wasmUnsortedSegmentSum';

// Coverage check for the wasm kernel set: a miniature of a YOLOv5 training step (Conv 6x6/s2 with explicit
// padding, batch-norm from moments, SiLU, SPPF max-pools, Upsample, Concat, 1x1 Detect conv, and the loss's
// gather / gatherND / sigmoid / pow / min / max / clip / atan / where / log / exp / softplus) must give the
// same gradients on wasm as on cpu. Any missing wasm kernel or gradient throws here, and putting back a
// stock kernel that one of our fixes replaces makes the step throw or its gradients diverge.

const B = 2;
const rand = seededRandom(81);
const X = uniform(rand, B * 16 * 16 * 3, 0, 1);
const W = {
  w0: uniform(rand, 6 * 6 * 3 * 8, -0.3, 0.3),
  w1: uniform(rand, 3 * 3 * 8 * 8, -0.3, 0.3),
  w2: uniform(rand, 1 * 1 * 32 * 6, -0.3, 0.3),
  gamma: uniform(rand, 8, 0.5, 1.5),
  beta: uniform(rand, 8, -0.2, 0.2).fill(-3, 0, 3), // 3 channels all negative after SiLU: SPPF's hard case
};
const ROWS = Array.from({ length: 10 }, () => Math.floor(rand() * B * 8 * 8)); // picked anchors, with repeats likely
const TARGET = uniform(rand, 10 * 4, 0.1, 1);

function loss(w0: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Scalar {
  const p = (k: number) => [[0, 0], [k, k], [k, k], [0, 0]] as tf.backend_util.ExplicitPadding;
  const x = tf.tensor4d(X, [B, 16, 16, 3]);
  let y = tf.conv2d(x, w0 as tf.Tensor4D, 2, p(2)); // (B, 8, 8, 8)
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  y = tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, 1e-3))), gamma), beta);
  y = tf.mul(y, tf.sigmoid(y)); // SiLU: negative values reach the pools
  const p1 = tf.maxPool(y as tf.Tensor4D, 5, 1, 'same');
  const p2 = tf.maxPool(p1, 5, 1, 'same');
  const c3 = tf.conv2d(y as tf.Tensor4D, w1 as tf.Tensor4D, 1, p(1));
  const cat = tf.concat([y, p1, p2, c3], 3); // (B, 8, 8, 32)
  const up = tf.image.resizeNearestNeighbor(tf.slice(cat, [0, 0, 0, 0], [B, 4, 4, 32]) as tf.Tensor4D, [8, 8]);
  const z = tf.conv2d(tf.add(cat, up) as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'valid'); // (B, 8, 8, 6)
  const flat = tf.reshape(tf.slice(tf.pad(z, p(1)), [0, 1, 1, 0], [B, 8, 8, 6]), [-1, 6]); // (B*64, 6)
  const sel = tf.gather(flat, tf.tensor1d(ROWS, 'int32')); // (10, 6)
  const selNd = tf.gatherND(flat, tf.tensor2d(ROWS.map((r) => [r]), [10, 1], 'int32'));
  const t = tf.tensor2d(TARGET, [10, 4]);
  const xy = tf.sub(tf.mul(tf.sigmoid(tf.slice(sel, [0, 0], [10, 2])), 2), 0.5);
  const wh = tf.pow(tf.mul(tf.sigmoid(tf.slice(sel, [0, 2], [10, 2])), 2), 2);
  const inter = tf.clipByValue(tf.sub(tf.minimum(tf.add(xy, wh), tf.slice(t, [0, 0], [10, 2])), tf.maximum(xy, 0.1)), 0, 10);
  const v = tf.atan(tf.div(tf.slice(wh, [0, 0], [10, 1]), tf.add(tf.slice(wh, [0, 1], [10, 1]), 1e-7)));
  const picked = tf.where(tf.greater(tf.slice(t, [0, 0], [10, 1]), 0.5), tf.square(v), tf.sqrt(tf.add(tf.abs(v), 1e-6)));
  const bce = tf.mean(tf.add(tf.relu(selNd), tf.log1p(tf.exp(tf.neg(tf.abs(selNd))))));
  const logp = tf.mean(tf.log(tf.add(tf.sigmoid(tf.slice(sel, [0, 4], [10, 2])), 1e-6)));
  const cls = tf.sum(tf.softplus(tf.slice(sel, [0, 5], [10, 1])));
  return tf.addN([tf.sum(tf.prod(inter, 1)), tf.sum(picked), bce, logp, tf.mean(tf.square(z)), cls]) as tf.Scalar;
}

function step(): { value: number; grads: tf.backend_util.TypedArray[] } {
  const { value, grads } = tf.tidy(() => {
    const params = [
      tf.tensor4d(W.w0, [6, 6, 3, 8]),
      tf.tensor4d(W.w1, [3, 3, 8, 8]),
      tf.tensor4d(W.w2, [1, 1, 32, 6]),
      tf.tensor1d(W.gamma),
      tf.tensor1d(W.beta),
    ];
    return tf.valueAndGrads(loss)(params);
  });
  const out = { value: value.dataSync()[0], grads: grads.map((g) => g.dataSync()) };
  tf.dispose([value, ...grads]);
  return out;
}

/** Largest gradient difference over all parameters, relative to each parameter's largest gradient. */
const worst = (a: ArrayLike<number>[], b: ArrayLike<number>[]) =>
  Math.max(...a.map((g, i) => maxAbsDiff(g, b[i]) / Math.max(1, maxAbs(b[i]))));

describe('YOLOv5-like training step', () => {
  it('has the same loss and gradients on wasm as on cpu (both with fixes), and each fix matters', async () => {
    await initBackend({ prefer: 'cpu' });
    const cpu = step();
    const cpuStockResize = withStockKernel(cpuResizeNearestNeighborGradFix, step); // batch 2: wrong
    await initBackend({ prefer: 'wasm' });
    const wasm = step();
    expect(Math.abs(wasm.value - cpu.value)).toBeLessThanOrEqual(1e-5 * Math.abs(cpu.value));
    expect(worst(wasm.grads, cpu.grads)).toBeLessThanOrEqual(1e-5);

    expect(worst(cpuStockResize.grads, wasm.grads)).toBeGreaterThan(0.01);
    expect(worst(withStockKernel(wasmMaxPoolGradFix, step).grads, cpu.grads)).toBeGreaterThan(0.01);
    expect(() => withStockKernel(wasmConv2DBackpropFilterFix, step)).toThrow(/Conv2DBackpropFilter/);
    expect(() => withStockKernel(wasmUnsortedSegmentSumFix, step)).toThrow(/UnsortedSegmentSum/);
  });
});
