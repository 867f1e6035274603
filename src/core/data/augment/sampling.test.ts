import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Rng } from '../../rng';
import { createRng } from '../../rng';
import { labelsToClassWeights, labelsToImageWeights, multiScaleShape, multiScaleSize, weightedChoices } from './sampling';

function replay(fractions: number[]): Rng {
  let k = 0;
  const next = () => fractions[k++];
  return { next, uniform: (lo, hi) => lo + (hi - lo) * next(), normal: () => 0, int: (n) => Math.floor(next() * n), state: () => k };
}

const rows = (...cls: number[]) => Float32Array.from(cls.flatMap((c) => [c, 0.5, 0.5, 0.1, 0.1]));

describe('image weights', () => {
  it('class weights are normalized inverse frequencies, empty classes counted once (float32)', () => {
    const labels = [rows(0, 0), rows(1), new Float32Array(0)];
    expect(Array.from(labelsToClassWeights(labels, 3))).toEqual(Array.from(Float32Array.of(0.2, 0.4, 0.4)));
  });

  it('image weights sum the class weights of each label', () => {
    const labels = [rows(0, 0, 2), rows(1), new Float32Array(0)];
    expect(Array.from(labelsToImageWeights(labels, 3, [0.5, 2, 10]))).toEqual([11, 2, 0]);
    expect(() => labelsToImageWeights([rows(3)], 3, [1, 1, 1])).toThrow(/outside 0..2/);
    expect(() => labelsToImageWeights(labels, 3, [1, 1])).toThrow(/2 class weights/);
  });

  it('weightedChoices bisects the cumulative weights like random.choices', () => {
    // cum = [1, 1, 4]: 0.4 -> 0; exactly 1.0 -> 2 (bisect_right skips the empty bin); 3.96 -> 2
    expect(Array.from(weightedChoices(replay([0.1, 0.25, 0.99]), [1, 0, 3], 3))).toEqual([0, 2, 2]);
    const counts = [0, 0, 0];
    for (const i of weightedChoices(createRng(2), [1, 2, 7], 20000)) counts[i]++;
    [0.1, 0.2, 0.7].forEach((p, i) => expect(Math.abs(counts[i] / 20000 - p)).toBeLessThan(0.015));
    expect(() => weightedChoices(createRng(0), [0, 0], 1)).toThrow(/greater than zero/);
  });
});

describe('multi-scale', () => {
  it('draws multiples of gs from imgsz/2 to 1.5 imgsz, every one reachable', () => {
    const rng = createRng(0);
    const seen = new Set<number>();
    for (let i = 0; i < 4000; i++) seen.add(multiScaleSize(rng, 640, 32));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, k) => 320 + 32 * k));
    // randrange(320, 992) // 32 * 32: the lowest and highest draws
    expect(multiScaleSize(replay([0]), 640, 32)).toBe(320);
    expect(multiScaleSize(replay([0.9999]), 640, 32)).toBe(960);
  });

  it('stretches the batch to gs multiples of sz / max(h, w), or leaves it', () => {
    expect(multiScaleShape(320, [480, 640], 32)).toEqual([256, 320]); // 240 -> 256
    expect(multiScaleShape(352, [480, 640], 32)).toEqual([288, 352]);
    expect(multiScaleShape(640, [480, 640], 32)).toBeNull();
  });

  it('tf.image.resizeBilinear with half-pixel centres is PyTorch interpolate(bilinear, align_corners=False)', async () => {
    await tf.setBackend('cpu');
    const [h, w, H, W] = [5, 7, 9, 4];
    const src = Float32Array.from({ length: h * w }, (_, i) => Math.sin(i * 1.7) * 100);
    // PyTorch: src = max(0, (dst + 0.5) * in / out - 0.5), taps i0 = floor(src), i1 = min(i0 + 1, in - 1)
    const taps = (o: number, n: number, i: number) => {
      const s = Math.max(0, ((o + 0.5) * n) / i - 0.5);
      const i0 = Math.floor(s);
      return [i0, Math.min(i0 + 1, n - 1), s - i0] as const;
    };
    const expected: number[] = [];
    for (let y = 0; y < H; y++) {
      const [y0, y1, ly] = taps(y, h, H);
      for (let x = 0; x < W; x++) {
        const [x0, x1, lx] = taps(x, w, W);
        const top = src[y0 * w + x0] * (1 - lx) + src[y0 * w + x1] * lx;
        const bot = src[y1 * w + x0] * (1 - lx) + src[y1 * w + x1] * lx;
        expected.push(top * (1 - ly) + bot * ly);
      }
    }
    const out = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(src, [1, h, w, 1]), [H, W], false, true));
    const got = await out.data();
    out.dispose();
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
  });
});
