import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { setSimdEnabled } from './simdKernels';
import { maxAbs, maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';
import { wasmConv2DBackpropFilterFix } from './wasmConv2DBackpropFilter';

interface Case {
  name: string;
  x: [number, number, number, number]; // (B, H, W, ci)
  co: number;
  k: number;
  s: number;
  pad: number | 'same' | 'valid'; // number = explicit symmetric [[0,0],[p,p],[p,p],[0,0]], as our model calls it
  skipCpu?: boolean; // tfjs's cpu Conv2DBackpropFilter takes ~10 s on the big case; the loop is the truth anyway
  chunked?: boolean; // sized to make the matmul fallback split its buffers; nothing to learn from it on the SIMD path
}
// Channel counts cover the SIMD kernel's tiles: ci = 1..3 rows left after tiles of 4, co = 4, 8 + 4, 16 and
// co % 4 != 0 columns summed in JS.
const CASES: Case[] = [
  { name: 'layer 0: k6 s2 p2, batch 1', x: [1, 12, 12, 3], co: 4, k: 6, s: 2, pad: 2 },
  { name: 'k6 s2 p2, odd size, batch 3', x: [3, 10, 11, 3], co: 5, k: 6, s: 2, pad: 2 },
  { name: 'k3 s1 p1, batch 3', x: [3, 8, 7, 5], co: 6, k: 3, s: 1, pad: 1 },
  { name: 'k3 s2 p1, batch 3', x: [3, 9, 8, 6], co: 7, k: 3, s: 2, pad: 1 },
  { name: 'k3 s2 p1, 16 -> 12 channels', x: [2, 9, 10, 16], co: 12, k: 3, s: 2, pad: 1 },
  { name: 'k1 s1 p0, batch 3', x: [3, 6, 5, 7], co: 5, k: 1, s: 1, pad: 0 },
  { name: 'k1 s1 p0, 24 -> 16 channels', x: [1, 6, 5, 24], co: 16, k: 1, s: 1, pad: 0 },
  { name: 'k1 s1 p1 (padding wider than the filter)', x: [2, 5, 6, 4], co: 8, k: 1, s: 1, pad: 1 },
  { name: "k3 s2 'same'", x: [2, 7, 8, 3], co: 4, k: 3, s: 2, pad: 'same' },
  { name: "k3 s1 'valid'", x: [2, 8, 8, 3], co: 4, k: 3, s: 1, pad: 'valid' },
  // Matmul fallback: xT holds 101*101 grid cells * 256 channels per image (> 2M floats): one image per chunk.
  { name: 'k3 s1 p1, chunked', x: [2, 100, 100, 256], co: 4, k: 3, s: 1, pad: 1, skipCpu: true, chunked: true },
  // 1x1 matmul fallback: 81920 positions * 64 channels > 4M floats: two row chunks.
  { name: 'k1 s1 p0, chunked', x: [5, 128, 128, 64], co: 64, k: 1, s: 1, pad: 0, skipCpu: true, chunked: true },
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

/** dW[kh, kw, c, o] = sum over b, oy, ox of x[b, oy*s - top + kh, ox*s - left + kw, c] * dy[b, oy, ox, o], in float64. */
function truth(c: Case, x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float64Array {
  const [B, H, W, ci] = c.x;
  const { outHeight: oh, outWidth: ow } = info;
  const dw = new Float64Array(c.k * c.k * ci * c.co);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const g = ((b * oh + oy) * ow + ox) * c.co;
        for (let kh = 0; kh < c.k; kh++) {
          const iy = oy * c.s - info.padInfo.top + kh;
          if (iy < 0 || iy >= H) continue;
          for (let kw = 0; kw < c.k; kw++) {
            const ix = ox * c.s - info.padInfo.left + kw;
            if (ix < 0 || ix >= W) continue;
            for (let q = 0; q < ci; q++) {
              const xv = x[((b * H + iy) * W + ix) * ci + q];
              const base = ((kh * c.k + kw) * ci + q) * c.co;
              for (let o = 0; o < c.co; o++) dw[base + o] += xv * dy[g + o];
            }
          }
        }
      }
  return dw;
}

function grad(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo) {
  return read(() => {
    const xT = tf.tensor4d(x, c.x);
    const dyT = tf.tensor(dy, info.outShape);
    const f = (wT: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xT, wT as tf.Tensor4D, c.s, tfPad(c)), dyT));
    return tf.grad(f)(tf.tensor4d(w, [c.k, c.k, c.x[3], c.co]));
  });
}

/** Float32 sums over up to 8192 terms: compare relative to the largest entry. */
const TOL = 1e-5;
const relErr = (got: ArrayLike<number>, want: ArrayLike<number>) => maxAbsDiff(got, want) / Math.max(1, maxAbs(want));

describe('wasm Conv2DBackpropFilter fix', () => {
  // Some tests switch backends; each starts from the one under test even if a previous one failed midway.
  beforeEach(async () => {
    setSimdEnabled(true);
    await initBackend({ prefer: 'wasm' });
  });

  // Every case on both paths: the SIMD kernel, and the XNNPACK matmul fallback for engines without wasm SIMD.
  const modes = [true, false].flatMap((simd) => CASES.filter((c) => !simd || !c.chunked).map((c) => ({ ...c, simd })));
  it.each(modes)('matches the float64 loop and cpu: $name, simd $simd', async (c) => {
    const { x, w, dy, info } = inputs(c, 31);
    const want = truth(c, x, dy, info);
    setSimdEnabled(c.simd);
    const wasm = grad(c, x, w, dy, info);
    setSimdEnabled(true);
    expect(relErr(wasm, want)).toBeLessThanOrEqual(TOL);
    if (c.skipCpu) return;
    await initBackend({ prefer: 'cpu' });
    const cpu = grad(c, x, w, dy, info);
    await initBackend({ prefer: 'wasm' });
    expect(relErr(wasm, cpu)).toBeLessThanOrEqual(TOL);
  });

  it('stock tfjs 4.22 wasm has no Conv2DBackpropFilter (delete the fix when this fails)', () => {
    const c = CASES[0];
    const { x, w, dy, info } = inputs(c, 32);
    expect(() => withStockKernel(wasmConv2DBackpropFilterFix, () => grad(c, x, w, dy, info))).toThrow(
      /Conv2DBackpropFilter/,
    );
  });
});
