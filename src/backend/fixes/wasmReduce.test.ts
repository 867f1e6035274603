import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { maxAbs, maxAbsDiff, read, seededRandom, uniform, withStockKernel } from './testing';
import { setSimdEnabled } from './simdKernels';
import { wasmMeanFix, wasmSumFix } from './wasmReduce';

interface Case {
  shape: number[];
  axis: number | number[];
  keepDims?: boolean;
}
// Contiguous non-innermost blocks take the fast path; innermost, scattered and all-axes cases fall back to stock.
const CASES: Case[] = [
  { shape: [3, 5, 7, 8], axis: [0, 1, 2] }, // per-channel over (B, H, W): the training step's case (SIMD)
  { shape: [2, 70, 36], axis: 1 }, // SIMD: two outer rows, 70 rows (two blocks of <= 64), 16 + 16 + 4 columns
  { shape: [3, 5, 7, 6], axis: [0, 1, 2] }, // JS: 6 columns
  { shape: [1, 4, 3, 5], axis: [0, 1, 2], keepDims: true },
  { shape: [3, 5, 7, 6], axis: [1, 2] },
  { shape: [3, 5, 7, 6], axis: 0 },
  { shape: [3, 5, 7, 6], axis: [-3, -2] },
  { shape: [3, 5, 7, 6], axis: [2, 1], keepDims: true },
  { shape: [2, 3, 4, 5, 3], axis: [1, 2, 3] },
  { shape: [9, 7], axis: 0 },
  { shape: [3, 5, 7, 6], axis: 3 }, // stock: innermost
  { shape: [3, 5, 7, 6], axis: [0, 2] }, // stock: not contiguous
  { shape: [3, 5, 7, 6], axis: [0, 1, 2, 3] }, // stock: all
];

/** float64 reduction of x over `axis` (output in row-major order of the kept axes). */
function truth(x: Float32Array, shape: number[], axis: number | number[], mean: boolean): Float64Array {
  const axes = tf.util.parseAxisParam(axis, shape);
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const outSize = kept.reduce((a, d) => a * shape[d], 1);
  const out = new Float64Array(outSize);
  const strides = tf.util.computeStrides(shape);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    for (const d of kept) o = o * shape[d] + Math.floor(i / (strides[d] ?? 1)) % shape[d];
    out[o] += x[i];
  }
  const n = axes.reduce((a, d) => a * shape[d], 1);
  return mean ? out.map((v) => v / n) : out;
}

const reduce = (x: Float32Array, c: Case, mean: boolean) =>
  read(() => (mean ? tf.mean : tf.sum)(tf.tensor(x, c.shape), c.axis, c.keepDims ?? false));

describe('wasm Sum / Mean fixes (contiguous non-innermost axes without a transpose)', () => {
  beforeEach(async () => {
    setSimdEnabled(true);
    await initBackend({ prefer: 'wasm' });
  });

  const simdModes = [true, false].flatMap((simd) => CASES.map((c) => ({ ...c, simd })));
  it.each(simdModes)('shape $shape axis $axis keepDims $keepDims simd $simd: equals float64 truth and cpu', async (c) => {
    const x = uniform(seededRandom(21), tf.util.sizeFromShape(c.shape), -2, 3);
    setSimdEnabled(c.simd);
    const wasm = [false, true].map((mean) => reduce(x, c, mean));
    setSimdEnabled(true);
    const shapes = [false, true].map(
      (mean) => tf.tidy(() => (mean ? tf.mean : tf.sum)(tf.zeros(c.shape), c.axis, c.keepDims ?? false).shape),
    );
    await initBackend({ prefer: 'cpu' });
    const cpu = [false, true].map((mean) => reduce(x, c, mean));
    const cpuShapes = [false, true].map(
      (mean) => tf.tidy(() => (mean ? tf.mean : tf.sum)(tf.zeros(c.shape), c.axis, c.keepDims ?? false).shape),
    );
    await initBackend({ prefer: 'wasm' });
    expect(shapes).toEqual(cpuShapes);
    [false, true].forEach((mean, k) => {
      const want = truth(x, c.shape, c.axis, mean);
      const scale = Math.max(1, maxAbs(want));
      // Fast path: float64 accumulation, off from the truth by the final float32 rounding only (2^-24 relative);
      // stock cases (float32 accumulation over <= 210 terms) stay well inside 1e-6.
      expect(maxAbsDiff(wasm[k], want) / scale).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(wasm[k], cpu[k]) / scale).toBeLessThanOrEqual(1e-5);
    });
  });

  it('int32 input keeps the stock path and its int32 result', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const s = tf.sum(x, [0, 1]);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([16, 20]);
    tf.dispose([x, s]);
  });

  it('a large per-channel sum is more accurate than stock float32 accumulation', () => {
    // 2^20 values of 0.1 + 1e-4 * noise per channel: a float32 running sum drifts by ~1e-3 relative.
    const rand = seededRandom(22);
    const shape = [16, 64, 64, 16];
    const x = uniform(rand, tf.util.sizeFromShape(shape), 0.0999, 0.1001);
    const want = truth(x, shape, [0, 1, 2], false);
    const ours = reduce(x, { shape, axis: [0, 1, 2] }, false);
    const stock = withStockKernel(wasmSumFix, () => reduce(x, { shape, axis: [0, 1, 2] }, false));
    const rel = (got: ArrayLike<number>) => maxAbsDiff(got, want) / maxAbs(want);
    expect(rel(ours)).toBeLessThanOrEqual(1e-7);
    expect(rel(ours)).toBeLessThanOrEqual(rel(stock));
    const stockMean = withStockKernel(wasmMeanFix, () => reduce(x, { shape, axis: [0, 1, 2] }, true));
    expect(maxAbsDiff(stockMean, reduce(x, { shape, axis: [0, 1, 2] }, true))).toBeLessThanOrEqual(1e-4);
  });
});
