import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { setSimdEnabled } from './simdKernels';
import { maxAbs, maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';
import { wasmConv2DBackpropInputFix } from './wasmConv2DBackpropInput';

interface Case {
  name: string;
  x: [number, number, number, number]; // (B, H, W, ci)
  co: number;
  k: number;
  s: number;
  pad: number | 'same' | 'valid'; // number = explicit symmetric padding, as our model calls conv2d
}
const CASES: Case[] = [
  { name: 'k6 s2 p2, odd size, batch 3', x: [3, 10, 11, 3], co: 5, k: 6, s: 2, pad: 2 },
  { name: 'k3 s1 p1, batch 1', x: [1, 8, 7, 5], co: 6, k: 3, s: 1, pad: 1 },
  { name: 'k3 s2 p1, batch 3', x: [3, 9, 8, 6], co: 7, k: 3, s: 2, pad: 1 },
  { name: 'k1 s1 p0, batch 3', x: [3, 6, 5, 7], co: 5, k: 1, s: 1, pad: 0 },
  { name: "k3 s2 'same'", x: [2, 7, 8, 3], co: 4, k: 3, s: 2, pad: 'same' },
  { name: "k3 s1 'valid'", x: [2, 8, 8, 3], co: 4, k: 3, s: 1, pad: 'valid' },
  { name: 'k3 s2 p1, 13 channels (strided row copies with a tail)', x: [2, 9, 10, 13], co: 8, k: 3, s: 2, pad: 1 },
  { name: 'k1 s2 p0 (phases no tap reads)', x: [2, 7, 8, 5], co: 6, k: 1, s: 2, pad: 0 },
  { name: 'k2 s2 valid, odd size (last row unread)', x: [1, 9, 7, 4], co: 3, k: 2, s: 2, pad: 'valid' },
  // Padding wider than the filter takes the matmul + col2im path; the second case has 92*92 col rows of 512
  // floats (> 4M), which that path splits into chunks.
  { name: 'k1 s1 p1 (col2im path)', x: [2, 5, 6, 4], co: 8, k: 1, s: 1, pad: 1 },
  { name: 'k1 s1 p1 (col2im path, chunked)', x: [1, 90, 90, 512], co: 8, k: 1, s: 1, pad: 1 },
  { name: 'k3 s1 p1, large', x: [2, 40, 40, 160], co: 4, k: 3, s: 1, pad: 1 },
];

const tfPad = (c: Case) =>
  typeof c.pad === 'number' ? ([[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]] as tf.backend_util.ExplicitPadding) : c.pad;

function inputs(c: Case, seed: number) {
  const rand = seededRandom(seed);
  const info = tf.backend_util.computeConv2DInfo(c.x, [c.k, c.k, c.x[3], c.co], c.s, 1, tfPad(c));
  return {
    x: uniform(rand, tf.util.sizeFromShape(c.x)),
    w: uniform(rand, c.k * c.k * c.x[3] * c.co),
    dy: uniform(rand, tf.util.sizeFromShape(info.outShape)),
    info,
  };
}

/** dx[b, oy*s - top + kh, ox*s - left + kw, c] += dy[b, oy, ox, o] * w[kh, kw, c, o], in float64. */
function truth(c: Case, w: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float64Array {
  const [B, H, W, ci] = c.x;
  const { outHeight: oh, outWidth: ow } = info;
  const dx = new Float64Array(B * H * W * ci);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let kh = 0; kh < c.k; kh++) {
          const iy = oy * c.s - info.padInfo.top + kh;
          if (iy < 0 || iy >= H) continue;
          for (let kw = 0; kw < c.k; kw++) {
            const ix = ox * c.s - info.padInfo.left + kw;
            if (ix < 0 || ix >= W) continue;
            for (let q = 0; q < ci; q++) {
              let acc = 0;
              for (let o = 0; o < c.co; o++)
                acc += dy[((b * oh + oy) * ow + ox) * c.co + o] * w[((kh * c.k + kw) * ci + q) * c.co + o];
              dx[((b * H + iy) * W + ix) * ci + q] += acc;
            }
          }
        }
  return dx;
}

function grad(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo) {
  return read(() => {
    const wT = tf.tensor4d(w, [c.k, c.k, c.x[3], c.co]);
    const dyT = tf.tensor(dy, info.outShape);
    const f = (xT: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xT as tf.Tensor4D, wT, c.s, tfPad(c)), dyT));
    return tf.grad(f)(tf.tensor4d(x, c.x));
  });
}

const relErr = (got: ArrayLike<number>, want: ArrayLike<number>) => maxAbsDiff(got, want) / Math.max(1, maxAbs(want));

describe('wasm Conv2DBackpropInput fix (stride-phase convs)', () => {
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  const modes = [true, false].flatMap((simd) => CASES.map((c) => ({ ...c, simd })));
  it.each(modes)('matches the float64 loop and the stock wasm kernel: $name, simd $simd', (c) => {
    const { x, w, dy, info } = inputs(c, 91);
    setSimdEnabled(c.simd);
    const fixed = grad(c, x, w, dy, info);
    setSimdEnabled(true);
    expect(relErr(fixed, truth(c, w, dy, info))).toBeLessThanOrEqual(1e-5);
    const stock = withStockKernel(wasmConv2DBackpropInputFix, () => grad(c, x, w, dy, info));
    expect(relErr(fixed, stock)).toBeLessThanOrEqual(1e-5);
  });

  it('is at least twice as fast as the stock kernel (delete the fix when this fails)', () => {
    const c: Case = { name: 'speed', x: [2, 40, 40, 96], co: 96, k: 3, s: 1, pad: 1 };
    const { w, dy, info } = inputs(c, 92);
    const dyT = tf.tensor(dy, info.outShape);
    const wT = tf.tensor4d(w, [c.k, c.k, c.x[3], c.co]);
    const attrs = { strides: c.s, pad: tfPad(c), dataFormat: 'NHWC', inputShape: c.x };
    const kernelMs = () => {
      let ms = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        read(() => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyT, filter: wT }, attrs) as tf.Tensor);
        ms = Math.min(ms, performance.now() - t0);
      }
      return ms;
    };
    const fixed = kernelMs();
    const stock = withStockKernel(wasmConv2DBackpropInputFix, kernelMs);
    tf.dispose([dyT, wT]);
    expect(fixed * 2).toBeLessThan(stock);
  });
});
