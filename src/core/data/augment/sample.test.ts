import { describe, expect, it } from 'vitest';
import { createRng } from '../../rng';
import { oracleImage, sha16 } from '../testing';
import { loadImage, valSample, type LoadedImage } from '../valLoader';
import { hypPreset } from '../../config';
import type { AugmentHyp } from './hyp';
import { trainSample, type SampleSource } from './sample';

const SCRATCH_LOW = hypPreset('scratch-low');

const S = 64;
const sizes: [number, number][] = [[80, 60], [50, 70], [64, 64], [90, 30], [40, 40]];
const images = sizes.map(([w, h], i) => oracleImage(w, h, i));
const labels = sizes.map((_, i) => Float32Array.of(i % 3, 0.5, 0.5, 0.4, 0.5, (i + 1) % 3, 0.2, 0.3, 0.2, 0.2));

function source(): SampleSource & { loaded: LoadedImage[]; copies: Uint8Array[] } {
  const loaded = images.map((im) => loadImage(im, S, true));
  return {
    n: images.length,
    pool: [0, 1, 2, 3, 4],
    labels: (i) => labels[i],
    load: async (i) => loaded[i],
    loaded,
    copies: loaded.map((l) => l.image.data.slice()),
  };
}

const NONE: AugmentHyp = { ...SCRATCH_LOW, hsv_h: 0, hsv_s: 0, hsv_v: 0, translate: 0, scale: 0, fliplr: 0, mosaic: 0 };

function expectNormalized(lb: Float32Array) {
  expect(lb.length % 5).toBe(0);
  for (let i = 0; i < lb.length; i += 5) {
    const [x, y, w, h] = lb.subarray(i + 1, i + 5);
    expect(w).toBeGreaterThan(0);
    expect(h).toBeGreaterThan(0);
    expect(x - w / 2).toBeGreaterThanOrEqual(-1e-6);
    expect(y - h / 2).toBeGreaterThanOrEqual(-1e-6);
    expect(x + w / 2).toBeLessThanOrEqual(1 + 1e-6);
    expect(y + h / 2).toBeLessThanOrEqual(1 + 1e-6);
  }
}

describe('trainSample (__getitem__ with augment=True)', () => {
  it('makes a mosaic of imgSize with normalized labels inside it, without touching the loaded images', async () => {
    const src = source();
    const s = await trainSample(0, src, { imgSize: S, hyp: SCRATCH_LOW, mosaic: true, shapeHW: [S, S] }, createRng(1));
    expect(s.kind).toBe('mosaic');
    expect([s.image.width, s.image.height]).toEqual([S, S]);
    expect(s.labels.length).toBeGreaterThan(0);
    expectNormalized(s.labels);
    src.loaded.forEach((l, i) => expect(sha16(l.image.data)).toBe(sha16(src.copies[i])));
  });

  it('mixes a second mosaic in with probability mixup', async () => {
    const src = source();
    const hyp = { ...SCRATCH_LOW, mixup: 1 };
    const s = await trainSample(2, src, { imgSize: S, hyp, mosaic: true, shapeHW: [S, S] }, createRng(3));
    expect(s.kind).toBe('mosaic+mixup');
    expectNormalized(s.labels);
  });

  it('without augmentation draws equals the validation sample (letterbox path)', async () => {
    // translate 0, scale 0, no gains, no flips: random_perspective is the identity, so the labels must be exactly
    // what the val loader computes for the same letterbox (scaleup on, as in training).
    const src = source();
    for (const i of [0, 3]) {
      const s = await trainSample(i, src, { imgSize: S, hyp: NONE, mosaic: true, shapeHW: [S, S] }, createRng(i));
      const v = valSample(images[i], labels[i], [S, S], S, true);
      expect(s.kind).toBe('letterbox');
      expect(sha16(s.image.data)).toBe(sha16(v.image.data));
      expect(Array.from(s.labels)).toEqual(Array.from(v.labels));
    }
    // A 64x64 source needs no letterbox and the identity warp returns it: the cache entry must be copied first.
    const same = await trainSample(2, src, { imgSize: S, hyp: { ...NONE, hsv_v: 0.9 }, mosaic: false, shapeHW: [S, S] }, createRng(5));
    expect(same.image.data).not.toBe(src.loaded[2].image.data);
    expect(sha16(src.loaded[2].image.data)).toBe(sha16(src.copies[2]));
  });

  it('letterboxes to the rect shape when mosaics are off', async () => {
    const s = await trainSample(3, source(), { imgSize: S, hyp: SCRATCH_LOW, mosaic: false, shapeHW: [32, 64] }, createRng(2));
    expect([s.image.height, s.image.width]).toEqual([32, 64]);
    expectNormalized(s.labels);
  });

  it('flips mirror the image and move the labels, the other draws unchanged', async () => {
    const base = { imgSize: S, mosaic: true, shapeHW: [S, S] as [number, number] };
    const a = await trainSample(1, source(), { ...base, hyp: { ...SCRATCH_LOW, fliplr: 0 } }, createRng(8));
    const b = await trainSample(1, source(), { ...base, hyp: { ...SCRATCH_LOW, fliplr: 1 } }, createRng(8));
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const p = (y * S + x) * 3;
        const q = (y * S + S - 1 - x) * 3;
        expect(Array.from(b.image.data.subarray(p, p + 3))).toEqual(Array.from(a.image.data.subarray(q, q + 3)));
      }
    }
    for (let i = 0; i < a.labels.length; i += 5) expect(b.labels[i + 1]).toBe(Math.fround(1 - a.labels[i + 1]));
  });

  it('is a pure function of the Rng', async () => {
    const o = { imgSize: S, hyp: { ...SCRATCH_LOW, mixup: 0.5, degrees: 10, shear: 3 }, mosaic: true, shapeHW: [S, S] as [number, number] };
    const a = await trainSample(4, source(), o, createRng(21));
    const b = await trainSample(4, source(), o, createRng(21));
    const c = await trainSample(4, source(), o, createRng(22));
    expect(sha16(b.image.data)).toBe(sha16(a.image.data));
    expect(b.labels).toEqual(a.labels);
    expect(sha16(c.image.data)).not.toBe(sha16(a.image.data));
  });
});
