import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../select';
import { maxAbsDiff, seededRandom, uniform, withStockKernel } from './testing';
import { wasmTileFix } from './wasmTile';

interface Case {
  shape: number[];
  reps: number[];
  dtype: 'float32' | 'int32' | 'bool';
}
const CASES: Case[] = [
  { shape: [1, 1, 1, 5], reps: [3, 4, 7, 1], dtype: 'float32' }, // broadcastTo of a per-channel row: fast path
  { shape: [1, 1, 6], reps: [2, 1, 1], dtype: 'int32' }, // fast path, one tiled axis
  { shape: [1, 3, 1, 2], reps: [4, 1, 5, 1], dtype: 'float32' }, // fast path: rep-1 axis of size 3 inside the block
  { shape: [1, 2], reps: [5, 1], dtype: 'bool' }, // fast path, bool
  { shape: [2, 3], reps: [2, 2], dtype: 'float32' }, // stock: the last axis is tiled
  { shape: [2, 1, 3], reps: [1, 4, 1], dtype: 'float32' }, // stock: a size-2 axis precedes the tiled one
  { shape: [1, 4], reps: [1, 1], dtype: 'float32' }, // nothing tiled
];

describe('wasm Tile fix (repeated blocks by doubling copies)', () => {
  beforeEach(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it.each(CASES)('shape $shape reps $reps $dtype equals stock', (c) => {
    const n = tf.util.sizeFromShape(c.shape);
    const v = uniform(seededRandom(71), n);
    const asInt = (x: number) => (c.dtype === 'bool' ? (x > 0 ? 1 : 0) : Math.round(x * 100));
    const values = c.dtype === 'float32' ? v : Int32Array.from(v, asInt);
    const run = () => {
      const t = tf.tidy(() => tf.tile(tf.tensor(values, c.shape, c.dtype), c.reps));
      const out = { shape: t.shape, data: t.dataSync().slice() };
      t.dispose();
      return out;
    };
    const ours = run();
    const stock = withStockKernel(wasmTileFix, run);
    expect(ours.shape).toEqual(stock.shape);
    expect(maxAbsDiff(ours.data, stock.data)).toBe(0);
  });
});
