import { describe, expect, it } from 'vitest';
import { createRng } from '../../rng';
import { oracleImage } from '../testing';
import { mixup, sampleBeta, sampleGamma } from './mixup';

describe('seeded Gamma / Beta samplers', () => {
  it('Gamma(a) has mean a and variance a (a = 32 and the boosted a = 0.5)', () => {
    for (const a of [32, 0.5]) {
      const rng = createRng(11);
      const xs = Array.from({ length: 20000 }, () => sampleGamma(rng, a));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean - a) / a).toBeLessThan(0.03);
      expect(Math.abs(variance - a) / a).toBeLessThan(0.08);
    }
  });

  it('Beta(32, 32) has mean 0.5 and variance 1/260, and is reproducible from the seed', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 20000 }, () => sampleBeta(rng, 32, 32));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(variance - 1 / 260) * 260).toBeLessThan(0.05);
    expect(xs.every((x) => x > 0 && x < 1)).toBe(true);
    const again = createRng(5);
    expect(sampleBeta(again, 32, 32)).toBe(xs[0]);
  });

  it('rejects a non-positive shape', () => {
    expect(() => sampleGamma(createRng(0), 0)).toThrow(/positive/);
  });
});

describe('mixup', () => {
  it('blends as (im * r + im2 * (1 - r)).astype(uint8) and concatenates labels', () => {
    const a = oracleImage(7, 5, 1);
    const b = oracleImage(7, 5, 2);
    const l1 = Float32Array.of(0, 1, 2, 3, 4);
    const l2 = Float32Array.of(1, 5, 6, 7, 8, 2, 9, 9, 9, 9);
    const { image, labels, r } = mixup(a, l1, b, l2, createRng(9));
    expect(r).toBe(sampleBeta(createRng(9), 32, 32));
    for (let i = 0; i < a.data.length; i++) expect(image.data[i]).toBe(Math.floor(a.data[i] * r + b.data[i] * (1 - r)));
    expect(Array.from(labels)).toEqual([0, 1, 2, 3, 4, 1, 5, 6, 7, 8, 2, 9, 9, 9, 9]);
  });

  it('rejects images of different sizes', () => {
    expect(() => mixup(oracleImage(4, 4, 0), new Float32Array(0), oracleImage(4, 5, 0), new Float32Array(0), createRng(0))).toThrow(/same size/);
  });
});
