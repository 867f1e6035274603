import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oracleImage, sha16 } from '../testing';
import { invert3x3, warpAffine, warpPerspective } from './warp';
import { augmentKernels, setAugmentWasm } from './wasm/kernels';

interface WarpCase {
  name: string;
  src_wh: [number, number];
  seed: number;
  M: number[];
  perspective: boolean;
  out_wh: [number, number];
  sha: string;
}
const oracle = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'opencv_oracle.json'), 'utf8')) as { warp: WarpCase[] };

describe.each(['wasm', 'js'])('warpAffine / warpPerspective (OpenCV 4.6, INTER_LINEAR, border 114), %s loop', (impl) => {
  beforeAll(() => {
    setAugmentWasm(impl === 'wasm');
    expect(augmentKernels() !== null).toBe(impl === 'wasm'); // Node runs WebAssembly: the wasm path is really tested
  });
  afterAll(() => setAugmentWasm(true));

  // Expected hashes are real cv2 outputs on the same synthetic images: mosaic-sized (1280 -> 640) zooms, rotations
  // with shear, odd sizes, strong perspective, borders on every side.
  it.each(oracle.warp.map((c) => [c.name, c] as const))('matches OpenCV byte for byte: %s', (_, c) => {
    const img = oracleImage(c.src_wh[0], c.src_wh[1], c.seed);
    const out = c.perspective ? warpPerspective(img, c.M, c.out_wh[0], c.out_wh[1]) : warpAffine(img, c.M, c.out_wh[0], c.out_wh[1]);
    expect([out.width, out.height]).toEqual(c.out_wh);
    expect(sha16(out.data)).toBe(c.sha);
  });

  it('rounds sub-pixel positions to 1/32 px and weights with 15-bit integers', () => {
    // A 2x1 image (0, 255) sampled at x = 0.3: OpenCV's tab position round(0.3 * 32) = 10, weights 22*32*32 and
    // 10*32*32 -> (255 * 10240 + 2^14) >> 15 = 80 (exact bilinear would give 76.5).
    const img = { data: Uint8Array.of(0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255), width: 2, height: 2 };
    const out = warpAffine(img, [1, 0, -0.3, 0, 1, 0], 1, 1);
    expect(Array.from(out.data)).toEqual([80, 80, 80]);
  });

  it('fills pixels that map outside the source with the border colour', () => {
    const img = { data: new Uint8Array(4 * 4 * 3).fill(200), width: 4, height: 4 };
    const out = warpAffine(img, [1, 0, 10, 0, 1, 0], 4, 4, 7);
    expect(out.data.every((v) => v === 7)).toBe(true);
  });

  it('invert3x3 is the inverse and returns null for a singular matrix', () => {
    const M = [1.1, -0.04, -7.6, 0.067, 0.92, 1.27, 0.0008, -0.0006, 0.97];
    const inv = invert3x3(M)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = M[i * 3] * inv[j] + M[i * 3 + 1] * inv[3 + j] + M[i * 3 + 2] * inv[6 + j];
        expect(v).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(invert3x3([1, 2, 3, 2, 4, 6, 0, 0, 1])).toBeNull();
  });

  it('samples the top-left source pixel everywhere for a singular matrix, as OpenCV (cv2 checked by hand)', () => {
    const img = { data: Uint8Array.from({ length: 4 * 5 * 3 }, (_, i) => (i * 7) % 256), width: 4, height: 5 };
    const expected = [0, 7, 14, 0, 7, 14, 0, 7, 14, 0, 7, 14, 0, 7, 14, 0, 7, 14];
    expect(Array.from(warpPerspective(img, [1, 2, 3, 2, 4, 6, 0, 0, 1], 3, 2).data)).toEqual(expected);
    expect(Array.from(warpAffine(img, [0, 0, 0, 0, 0, 0], 3, 2).data)).toEqual(expected);
  });

  it('rejects a bad output size', () => {
    expect(() => warpAffine(oracleImage(4, 4, 0), [1, 0, 0, 0, 1, 0], 0, 4)).toThrow(/positive integers/);
  });
});
