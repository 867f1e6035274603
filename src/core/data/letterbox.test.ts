import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filledImage } from './image';
import { letterbox, letterboxGeometry, padImage, type LetterboxOptions, type ShapeArg } from './letterbox';
import { oracleImage, readFixture, sha16 } from './testing';

interface RefCase {
  in_hw: [number, number];
  new_shape: number | [number, number];
  kwargs: LetterboxOptions;
  out_hw: [number, number];
  ratio: [number, number];
  pad_dw_dh: [number, number];
  top_bottom_left_right: [number, number, number, number];
}
const augment = JSON.parse(readFileSync(path.resolve(process.cwd(), '../shared/reference/augment.json'), 'utf8')) as { letterbox: RefCase[] };

interface OracleCase {
  w0: number;
  h0: number;
  seed: number;
  new_shape: number | [number, number];
  kwargs: LetterboxOptions;
  out_hw: [number, number];
  ratio: [number, number];
  pad: [number, number];
  sha: string;
}
const oracle = readFixture<{ letterbox: OracleCase[] }>('opencv_numpy_oracle.json');

describe('letterbox geometry (augment.json, upstream v7.0)', () => {
  it.each(augment.letterbox.map((c) => [`${c.in_hw} -> ${c.new_shape} ${JSON.stringify(c.kwargs)}`, c] as const))('%s', (_, c) => {
    const g = letterboxGeometry(c.in_hw[0], c.in_hw[1], c.new_shape as ShapeArg, c.kwargs);
    expect(g.outHW).toEqual(c.out_hw);
    // the fixture rounds to 6 significant digits
    expect(g.ratio[0]).toBeCloseTo(c.ratio[0], 5);
    expect(g.ratio[1]).toBeCloseTo(c.ratio[1], 5);
    expect(g.pad).toEqual(c.pad_dw_dh);
    expect([g.top, g.bottom, g.left, g.right]).toEqual(c.top_bottom_left_right);
  });

  it('covers all 10 reference cases', () => expect(augment.letterbox).toHaveLength(10));

  it('splits an odd padding as upstream: round(d - 0.1) before, round(d + 0.1) after', () => {
    const g = letterboxGeometry(100, 99, 100, { auto: false }); // 1 px of width padding -> 0.5 a side
    expect(g.pad).toEqual([0.5, 0]);
    expect([g.left, g.right]).toEqual([0, 1]);
    expect(g.outHW).toEqual([100, 100]);
  });
});

describe('letterbox pixels (upstream letterbox with OpenCV 4.6, sha256 of the output)', () => {
  it.each(oracle.letterbox.map((c) => [`${c.w0}x${c.h0} -> ${c.new_shape} ${JSON.stringify(c.kwargs)}`, c] as const))('%s', (_, c) => {
    const r = letterbox(oracleImage(c.w0, c.h0, c.seed), c.new_shape as ShapeArg, c.kwargs);
    expect([r.image.height, r.image.width]).toEqual(c.out_hw);
    expect(r.ratio).toEqual(c.ratio);
    expect(r.pad).toEqual(c.pad);
    expect(sha16(r.image.data)).toBe(c.sha);
  });

  it('pads with 114 grey around an unscaled image', () => {
    const img = filledImage(2, 1, [1, 2, 3]);
    const r = letterbox(img, 4, { auto: false, scaleup: false });
    expect([r.image.width, r.image.height, r.top, r.left]).toEqual([4, 4, 1, 1]);
    const px = (x: number, y: number) => Array.from(r.image.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3));
    expect(px(0, 0)).toEqual([114, 114, 114]);
    expect(px(1, 1)).toEqual([1, 2, 3]);
    expect(px(2, 1)).toEqual([1, 2, 3]);
    expect(px(3, 1)).toEqual([114, 114, 114]);
    expect(px(1, 2)).toEqual([114, 114, 114]);
  });

  it('padImage uses the given colour', () => {
    const out = padImage(filledImage(1, 1, [9, 9, 9]), 0, 0, 1, 0, [10, 20, 30]);
    expect(Array.from(out.data)).toEqual([10, 20, 30, 9, 9, 9]);
  });

  it('rejects non-integer or empty shapes', () => {
    expect(() => letterboxGeometry(10, 10, 0)).toThrow(RangeError);
    expect(() => letterboxGeometry(10, 10.5, 32)).toThrow(/positive integers/);
  });
});
