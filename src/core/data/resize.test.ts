import { describe, expect, it } from 'vitest';
import { resize, roundHalfEven, type Interpolation } from './resize';
import { oracleImage, readFixture, sha16 } from './testing';

interface Case {
  w0: number;
  h0: number;
  seed: number;
  w: number;
  h: number;
  interp: Interpolation;
}
const oracle = readFixture<{ small: (Case & { hex: string })[]; hashed: (Case & { sha: string })[] }>('opencv_numpy_oracle.json');
const name = (c: Case) => `${c.w0}x${c.h0} -> ${c.w}x${c.h} ${c.interp}`;

describe('resize (OpenCV 4.6 cv2.resize, uint8 RGB)', () => {
  // Expected bytes were produced by real cv2.resize; every path is covered: linear up/down/mixed, the exact 2x shrink
  // (block average), integer-factor area, non-integer area (float weights), area enlarging (linear with area taps),
  // one-pixel inputs and outputs.
  it.each(oracle.small.map((c) => [name(c), c] as const))('matches OpenCV byte for byte: %s', (_, c) => {
    const out = resize(oracleImage(c.w0, c.h0, c.seed), c.w, c.h, c.interp);
    expect([out.width, out.height]).toEqual([c.w, c.h]);
    expect(Buffer.from(out.data).toString('hex')).toBe(c.hex);
  });

  it.each(oracle.hashed.map((c) => [name(c), c] as const))('matches OpenCV on a large image (sha256): %s', (_, c) => {
    const out = resize(oracleImage(c.w0, c.h0, c.seed), c.w, c.h, c.interp);
    expect(sha16(out.data)).toBe(c.sha);
  });

  it('rounds the vertical pass the way OpenCV does, not with (sum + 2^21) >> 22', () => {
    // A 1x2 column (1, 6) enlarged to 1x5. Row 1 has weights (1843, 205): exact fixed-point rounding would give
    // (1843*1*2048 + 205*6*2048 + 2^21) >> 22 = 2, OpenCV's kernel truncates each product first and gives 1.
    // Expected values from cv2.resize(np.array([[[1]*3], [[6]*3]], np.uint8), (1, 5)).
    const img = { data: Uint8Array.of(1, 1, 1, 6, 6, 6), width: 1, height: 2 };
    const out = resize(img, 1, 5, 'linear');
    expect(Array.from({ length: 5 }, (_, y) => out.data[y * 3])).toEqual([1, 1, 4, 5, 6]);
    expect((1843 * 1 * 2048 + 205 * 6 * 2048 + (1 << 21)) >> 22).toBe(2);
  });

  it('returns a copy for an unchanged size and rejects empty targets', () => {
    const img = oracleImage(4, 3, 0);
    const out = resize(img, 4, 3, 'area');
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
    expect(() => resize(img, 0, 3, 'linear')).toThrow(/positive integers/);
    expect(() => resize({ data: new Uint8Array(5), width: 4, height: 3 }, 2, 2, 'linear')).toThrow(/expected 4x3x3/);
  });

  it('roundHalfEven is cvRound / Python round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, 2, 3]);
  });
});
