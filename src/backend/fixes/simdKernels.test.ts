import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { sleb, uleb } from './simdAsm';
import { heapBuffer, heapOffset, simdKernels, type SimdKernels } from './simdKernels';
import { maxAbs, maxAbsDiff, seededRandom, uniform } from './testing';

let backend: BackendWasm;
let simd: SimdKernels;

/** A heap buffer of n float32 holding `values` (or zeros); returned with its byte address. */
function alloc(n: number, values?: Float32Array): { info: tf.TensorInfo; at: number; view: () => Float32Array } {
  const info = backend.makeOutput([n], 'float32');
  const at = heapOffset(backend, info.dataId);
  const view = () => new Float32Array(heapBuffer(backend), at, n);
  view().set(values ?? new Float32Array(n));
  return { info, at, view };
}

const free = (...bufs: { info: tf.TensorInfo }[]) => bufs.forEach((b) => backend.disposeData(b.info.dataId));

describe('wasm SIMD kernels', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    backend = tf.backend() as BackendWasm;
    const k = simdKernels(backend);
    // Node 20 has wasm SIMD: if the module stops building, every fix silently takes its slow fallback.
    expect(k).not.toBeNull();
    simd = k!;
  });

  it('encodes LEB128 like the spec examples', () => {
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0)).toEqual([0]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
  });

  it('colSum adds column sums of 130 x 20 values (three row blocks, 16 + 4 columns) to float64 totals', () => {
    const [rows, cols] = [130, 20];
    const x = uniform(seededRandom(1), rows * cols, -1, 2);
    const xb = alloc(rows * cols, x);
    const acc = alloc(2 * cols + 2); // room for an 8-byte aligned float64 array
    const at = Math.ceil(acc.at / 8) * 8;
    new Float64Array(heapBuffer(backend), at, cols).fill(0.5);
    simd.colSum(xb.at, rows, cols, at);
    const want = new Float64Array(cols).fill(0.5);
    for (let i = 0; i < x.length; i++) want[i % cols] += x[i];
    // float32 partial sums over <= 64 rows of values in [-1, 2), partials below 128: rounding ~1e-5 (seeded data).
    expect(maxAbsDiff(new Float64Array(heapBuffer(backend), at, cols), want)).toBeLessThanOrEqual(5e-5);
    free(xb, acc);
  });

  it('dwRect adds x^T dy over a strided 3 x 5 rectangle, ci = 7, co = 12 (tiles 4 + 3 rows, 8 + 4 columns)', () => {
    const [ci, co, rows, cols, xCol, xRow, dyRow] = [7, 12, 3, 5, 2 * 7 + 3, 40 * 7, 6 * 12];
    const rand = seededRandom(2);
    const x = uniform(rand, rows * xRow);
    const dy = uniform(rand, rows * dyRow);
    const dw0 = uniform(rand, ci * co);
    const xb = alloc(x.length, x);
    const db = alloc(dy.length, dy);
    const wb = alloc(ci * co, dw0);
    simd.dwRect(xb.at, 4 * xCol, 4 * xRow, db.at, 4 * dyRow, rows, cols, ci, co, 4 * co, wb.at);
    const want = Float64Array.from(dw0);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < cols; j++)
        for (let c = 0; c < ci; c++)
          for (let o = 0; o < co; o++) want[c * co + o] += x[r * xRow + j * xCol + c] * dy[r * dyRow + j * co + o];
    expect(maxAbsDiff(wb.view(), want) / maxAbs(want)).toBeLessThanOrEqual(1e-6);
    free(xb, db, wb);
  });

  it('copyRows copies 4 strided runs of 13 floats (3 vectors + 1) bit for bit, touching nothing else', () => {
    const src = uniform(seededRandom(3), 4 * 20);
    src[5] = NaN;
    const sb = alloc(src.length, src);
    const db = alloc(4 * 17 + 3, new Float32Array(4 * 17 + 3).fill(7));
    simd.copyRows(sb.at + 4 * 2, 4 * 20, db.at + 4, 4 * 17, 4, 3, 1);
    const want = new Float32Array(4 * 17 + 3).fill(7);
    for (let r = 0; r < 4; r++) for (let j = 0; j < 13; j++) want[1 + r * 17 + j] = src[2 + r * 20 + j];
    expect(new Uint32Array(db.view().slice().buffer)).toEqual(new Uint32Array(want.buffer));
    free(sb, db);
  });
});
