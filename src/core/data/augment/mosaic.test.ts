import { describe, expect, it } from 'vitest';
import type { Rng } from '../../rng';
import { createRng } from '../../rng';
import { composeMosaic, finishMosaic, mosaicBorder, planMosaic } from './mosaic';
import { hypPreset } from '../../config';

const SCRATCH_LOW = hypPreset('scratch-low');

function replay(fractions: number[]): Rng {
  let k = 0;
  const next = () => fractions[k++];
  return { next, uniform: (lo, hi) => lo + (hi - lo) * next(), normal: () => 0, int: (n) => Math.floor(next() * n), state: () => k };
}

const solid = (w: number, h: number, v: number) => ({ data: new Uint8Array(w * h * 3).fill(v), width: w, height: h });
const at = (img: { data: Uint8Array; width: number }, x: number, y: number) => img.data[(y * img.width + x) * 3];

describe('load_mosaic', () => {
  it('draws yc, xc, 3 choices from the pool, then shuffles (Fisher-Yates from the end)', () => {
    // s = 64: centres from uniform(32, 96); choices floor(u * 5); shuffle j = floor(u * (i + 1)) for i = 3, 2, 1
    const plan = planMosaic(replay([0.5, 0.25, 0.1, 0.9, 0.5, 0.0, 0.99, 0.6]), 7, [10, 11, 12, 13, 14], 64);
    expect([plan.yc, plan.xc]).toEqual([64, 48]);
    expect(plan.indices).toEqual([12, 10, 14, 7]); // [7, 10, 14, 12] with 3 <-> 0 swapped
    expect(mosaicBorder(64)).toEqual([-32, -32]);
    expect(mosaicBorder(65)).toEqual([-33, -33]); // Python's -65 // 2
  });

  it('places the 4 tiles around the centre (rules a/b/c/d) and moves their labels', () => {
    const s = 64;
    const plan = { xc: 70, yc: 50, indices: [0, 1, 2, 3] as [number, number, number, number] };
    const tiles = [
      { image: solid(40, 30, 10), labels: Float32Array.of(0, 0.5, 0.5, 1, 1) }, // whole tile
      { image: solid(64, 64, 20), labels: Float32Array.of(1, 0.25, 0.25, 0.5, 0.5) },
      { image: solid(80, 20, 30), labels: new Float32Array(0) },
      { image: solid(64, 80, 40), labels: Float32Array.of(2, 0.5, 0.9, 0.2, 0.4) },
    ];
    const { image, labels } = composeMosaic(plan, tiles, s);
    expect([image.width, image.height]).toEqual([128, 128]);
    // a: top-left tile ends at the centre; b: top-right starts at xc, cut at the canvas edge; c, d below yc
    expect([at(image, 30, 20), at(image, 69, 49), at(image, 29, 20), at(image, 30, 19)]).toEqual([10, 10, 114, 114]);
    expect([at(image, 70, 0), at(image, 127, 49)]).toEqual([20, 20]);
    expect([at(image, 0, 50), at(image, 69, 69), at(image, 69, 70)]).toEqual([30, 30, 114]);
    expect([at(image, 70, 50), at(image, 127, 127)]).toEqual([40, 40]);
    // tile 0 covers [30, 70) x [20, 50); tile 1 is offset (70, 50 - 64); tile 3 (70, 50) and clipped at 128
    const f = Math.fround;
    expect(Array.from(labels)).toEqual([0, 30, 20, 70, 50, 1, 70, 0, 102, 18, 2, f(95.6), 106, f(108.4), 128]);
  });

  it('reuses a scratch canvas of the right size', () => {
    const scratch = new Uint8Array(128 * 128 * 3);
    const tiles = Array.from({ length: 4 }, () => ({ image: solid(64, 64, 1), labels: new Float32Array(0) }));
    const { image } = composeMosaic({ xc: 64, yc: 64, indices: [0, 0, 0, 0] }, tiles, 64, scratch);
    expect(image.data).toBe(scratch);
    expect(image.data.every((v) => v === 1)).toBe(true);
  });

  it('finishes with random_perspective to s x s, boxes inside the image', () => {
    const rng = createRng(4);
    const tiles = [0, 1, 2, 3].map((i) => ({ image: solid(64, 48, 50 + i), labels: Float32Array.of(i, 0.5, 0.5, 0.6, 0.6) }));
    const plan = planMosaic(rng, 0, [0, 1, 2, 3], 64);
    const { image, labels } = finishMosaic(plan, tiles, 64, SCRATCH_LOW, rng);
    expect([image.width, image.height]).toEqual([64, 64]);
    expect(labels.length % 5).toBe(0);
    for (let i = 0; i < labels.length; i += 5) {
      expect(labels[i + 1]).toBeGreaterThanOrEqual(0);
      expect(labels[i + 3]).toBeLessThanOrEqual(64);
      expect(labels[i + 3] - labels[i + 1]).toBeGreaterThan(2);
      expect(labels[i + 4] - labels[i + 2]).toBeGreaterThan(2);
    }
  });

  it('rejects a plan without 4 tiles', () => {
    expect(() => composeMosaic({ xc: 1, yc: 1, indices: [0, 0, 0, 0] }, [], 8)).toThrow(/4 tiles/);
  });
});
