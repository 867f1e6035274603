// The GPU path's stages one by one against the CPU functions, on small images, on the wasm and cpu backends: the
// stages that involve no resampling (mosaic placement, integer shifts with fill, flips, HSV) match byte for byte.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../../../test/backend';
import { createRng } from '../../../rng';
import type { RgbImage } from '../../image';
import { oracleImage } from '../../testing';
import { fliplrImage, flipudImage } from '../flip';
import { applyHsvLuts, hsvLuts } from '../hsv';
import { mosaicPixels, placeTiles, planMosaic, type MosaicPlan } from '../mosaic';
import type { PerspectivePlan } from '../perspective';
import { warpAffine } from '../warp';
import { mosaicCanvas, transformParams, Uploads, warpImage } from './geometry';
import { disposeHsvTables, hsvBatch } from './hsv';

/** A tensor with integer values 0..255 -> bytes. */
async function bytes(t: tf.Tensor): Promise<Uint8Array> {
  const d = await t.data();
  t.dispose();
  return Uint8Array.from(d);
}

/** Random colours, with runs of greys and pure hues (the HSV branches: v == r / g / b, diff 0, v 0 and 255). */
function colourful(width: number, height: number, seed: number): RgbImage {
  const rng = createRng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    const k = (i / 3) % 7;
    const v = rng.int(256);
    if (k === 0) data.fill(v, i, i + 3);
    else if (k === 1) data.set([v, 0, 255 - v], i);
    else for (let c = 0; c < 3; c++) data[i + c] = rng.int(256);
  }
  return { data, width, height };
}

function plan(M: number[], width: number, height: number): PerspectivePlan {
  return { M: Float64Array.from(M), width, height, warp: true, perspective: false, draws: [0, 0, 0, 1, 0, 0, 0.5, 0.5], targets: new Float32Array(0) };
}

describe.each(['wasm', 'cpu'] as const)('GPU augmentation stages on the %s backend', (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => disposeHsvTables());

  it('HSV: byte-identical to the CPU augment_hsv (OpenCV 4.6 vector loop), per-sample gains, null gains untouched', async () => {
    const W = 64; // a multiple of 32: OpenCV's vector loop covers every pixel
    const imgs = [colourful(W, 24, 1), colourful(W, 24, 2), colourful(W, 24, 3)];
    const gains: ([number, number, number] | null)[] = [[1.015, 1.7, 1.4], [0.985, 0.3, 0.6], null];
    const x = tf.tensor4d(Float32Array.from(imgs.flatMap((im) => Array.from(im.data))), [3, 24, W, 3]);
    const out = await bytes(tf.tidy(() => hsvBatch(x, gains)));
    x.dispose();
    imgs.forEach((im, b) => {
      const want = { ...im, data: im.data.slice() };
      const g = gains[b];
      if (g) applyHsvLuts(want, hsvLuts(g));
      const got = out.subarray(b * im.data.length, (b + 1) * im.data.length);
      expect(Buffer.from(got).equals(Buffer.from(want.data))).toBe(true);
    });
  });

  it('mosaic canvas: identical to the CPU placement for random centres and tile sizes', async () => {
    const s = 32;
    const rng = createRng(7);
    for (let trial = 0; trial < 4; trial++) {
      const tiles = [0, 1, 2, 3].map((k) => oracleImage(k % 2 ? s : 8 + rng.int(s - 8), k % 2 ? 8 + rng.int(s - 8) : s, trial * 4 + k));
      const p: MosaicPlan = planMosaic(rng, 0, [0, 1, 2, 3], s);
      const placements = placeTiles(p, tiles, s);
      const want = mosaicPixels(placements, tiles, s);
      const got = await bytes(tf.tidy(() => mosaicCanvas({ kind: 'mosaic', s, plan: p, tiles, placements, warp: plan([1, 0, 0, 0, 1, 0, 0, 0, 1], s, s) }, new Uploads())));
      expect(Buffer.from(got).equals(Buffer.from(want.data))).toBe(true);
    }
  });

  it('warp: integer shifts (fill 114 included) and flips match cv2.warpAffine and np.flip exactly', async () => {
    const img = oracleImage(40, 30, 3);
    const up = () => tf.tensor3d(Float32Array.from(img.data), [30, 40, 3]);
    for (const [tx, ty] of [[5, -3], [-12, 7], [0, 0]]) {
      const M = [1, 0, tx, 0, 1, ty, 0, 0, 1];
      const want = warpAffine(img, M, 36, 34);
      const got = await bytes(tf.tidy(() => warpImage(up(), plan(M, 36, 34))));
      expect(Buffer.from(got).equals(Buffer.from(want.data))).toBe(true);
      // flips folded into the matrix
      const flipped = warpAffine(img, M, 36, 34);
      flipudImage(fliplrImage(flipped));
      const gotFlipped = await bytes(tf.tidy(() => warpImage(up(), plan(M, 36, 34), { ud: true, lr: true })));
      expect(Buffer.from(gotFlipped).equals(Buffer.from(flipped.data))).toBe(true);
    }
    // no warp: tf.reverse
    const still = { ...plan([1, 0, 0, 0, 1, 0, 0, 0, 1], 40, 30), warp: false };
    const lr = fliplrImage({ ...img, data: img.data.slice() });
    expect(Buffer.from(await bytes(tf.tidy(() => warpImage(up(), still, { ud: false, lr: true })))).equals(Buffer.from(lr.data))).toBe(true);
  });

  it('warp: rotation + scale within interpolation rounding of cv2.warpAffine (1/32 px positions there)', async () => {
    const img = oracleImage(64, 48, 5);
    const a = (12 * Math.PI) / 180;
    const M = [1.3 * Math.cos(a), 1.3 * Math.sin(a), -10, -1.3 * Math.sin(a), 1.3 * Math.cos(a), 20, 0, 0, 1];
    const want = warpAffine(img, M, 64, 64);
    const got = await bytes(tf.tidy(() => warpImage(tf.tensor3d(Float32Array.from(img.data), [48, 64, 3]), plan(M, 64, 64))));
    let sum = 0;
    let within1 = 0;
    for (let i = 0; i < got.length; i++) {
      const d = Math.abs(got[i] - want.data[i]);
      sum += d;
      if (d <= 1) within1++;
    }
    expect(sum / got.length).toBeLessThan(0.5);
    expect(within1 / got.length).toBeGreaterThan(0.95);
    // the transform parameters are M's inverse, normalized: mapping an output point back lands on its source
    const t = transformParams(M);
    const [x, y] = [7, 9];
    const [sx, sy] = [M[0] * x + M[1] * y + M[2], M[3] * x + M[4] * y + M[5]];
    expect(t[0] * sx + t[1] * sy + t[2]).toBeCloseTo(x, 9);
    expect(t[3] * sx + t[4] * sy + t[5]).toBeCloseTo(y, 9);
    expect(transformParams([1, 2, 3, 2, 4, 6, 0, 0, 1])).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // singular
  });
});
