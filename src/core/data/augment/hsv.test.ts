import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../rng';
import { oracleImage, sha16 } from '../testing';
import { applyHsvLuts, augmentHsv, hsvGains, hsvLuts, hsvToRgb, rgbToHsv } from './hsv';
import { augmentKernels, setAugmentWasm } from './wasm/kernels';

const oracle = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'opencv_oracle.json'), 'utf8')) as {
  hsv: Record<string, string>;
  augment_hsv: { w: number; h: number; seed: number; r: [number, number, number]; sha: string }[];
};

function allRgb(): Uint8Array {
  const rgb = new Uint8Array(256 ** 3 * 3);
  for (let k = 0; k < 256 ** 3; k++) {
    rgb[k * 3] = k >> 16;
    rgb[k * 3 + 1] = (k >> 8) & 255;
    rgb[k * 3 + 2] = k & 255;
  }
  return rgb;
}

function allHsv(): Uint8Array {
  const hsv = new Uint8Array(180 * 256 * 256 * 3);
  for (let k = 0; k < 180 * 65536; k++) {
    hsv[k * 3] = k >> 16;
    hsv[k * 3 + 1] = (k >> 8) & 255;
    hsv[k * 3 + 2] = k & 255;
  }
  return hsv;
}

describe('OpenCV 8-bit HSV conversions (cv2.cvtColor, every value)', () => {
  it('RGB -> HSV matches on all 2^24 colours', () => {
    expect(sha16(rgbToHsv({ data: allRgb(), width: 256, height: 65536 }))).toBe(oracle.hsv.rgb2hsv_all_w256);
  });

  it('HSV -> RGB matches on all 180 * 2^16 values, vector path (256 wide) and scalar tail (80 wide)', () => {
    const hsv = allHsv();
    expect(sha16(hsvToRgb(hsv, 256))).toBe(oracle.hsv.hsv2rgb_all_w256);
    const n80 = Math.floor(hsv.length / 3 / 80) * 80 * 3;
    expect(sha16(hsvToRgb(hsv.subarray(0, n80), 80))).toBe(oracle.hsv.hsv2rgb_all_w80);
  });

  it('the vector path truncates and the scalar tail rounds, as OpenCV 4.6 on AVX2', () => {
    // HSV (9, 221, 75) in a 33-pixel row: cv2 gives [75 29 9] for pixel 0 and [75 30 10] for pixel 32 (B is
    // 9.99999 in float32: truncated by the vector loop, rounded by the tail)
    const px = Uint8Array.of(9, 221, 75);
    const row = new Uint8Array(33 * 3);
    for (let i = 0; i < 33; i++) row.set(px, i * 3);
    const out = hsvToRgb(row, 33);
    expect(Array.from(out.subarray(0, 3))).toEqual([75, 29, 9]); // pixel 0: vector loop
    expect(Array.from(out.subarray(96, 99))).toEqual([75, 30, 10]); // pixel 32: scalar tail
  });
});

describe.each(['wasm', 'js'])('augment_hsv on images, %s loop', (impl) => {
  beforeAll(() => {
    setAugmentWasm(impl === 'wasm');
    expect(augmentKernels() !== null).toBe(impl === 'wasm');
  });
  afterAll(() => setAugmentWasm(true));

  it.each(oracle.augment_hsv.map((c) => [`${c.w}x${c.h} r=${c.r.join(',')}`, c] as const))('matches upstream with fixed gains: %s', (_, c) => {
    const img = oracleImage(c.w, c.h, c.seed);
    applyHsvLuts(img, hsvLuts(c.r));
    expect(sha16(img.data)).toBe(c.sha);
  });

  it('maps every RGB colour as cv2 does with identity gains (RGB -> HSV -> RGB)', () => {
    const img = { data: allRgb(), width: 256, height: 65536 };
    applyHsvLuts(img, hsvLuts([1, 1, 1]));
    expect(sha16(img.data)).toBe(oracle.hsv.rgb_hsv_rgb_all_w256);
  });
});

describe('augment_hsv', () => {

  it('builds upstream LUTs: hue modulo 180, saturation and value clipped, all truncated', () => {
    const [lh, ls, lv] = hsvLuts([1.5, 2, 0.5]);
    expect([lh[100], lh[119], lh[120], lh[255]]).toEqual([150, 178, 0, 22]); // 382.5 % 180 = 22.5 -> 22
    expect([ls[100], ls[127], ls[128], ls[255]]).toEqual([200, 254, 255, 255]);
    expect([lv[1], lv[3], lv[255]]).toEqual([0, 1, 127]);
    // a negative hue gain wraps like numpy's remainder (divisor's sign), not like JS %
    expect(hsvLuts([-0.5, 1, 1])[0][10]).toBe(175);
  });

  it('draws gains uniform(-1, 1) * gain + 1 in h, s, v order and skips all draws when every gain is 0', () => {
    const a = createRng(3);
    const r = hsvGains(a, 0.015, 0.7, 0.4);
    const b = createRng(3);
    expect(r).toEqual([b.uniform(-1, 1) * 0.015 + 1, b.uniform(-1, 1) * 0.7 + 1, b.uniform(-1, 1) * 0.4 + 1]);
    const rng = createRng(3);
    const img = oracleImage(8, 8, 1);
    const before = img.data.slice();
    expect(augmentHsv(img, 0, 0, 0, rng)).toBeNull();
    expect(img.data).toEqual(before);
    expect(rng.next()).toBe(createRng(3).next());
  });

  it('leaves an image with unit gains unchanged where HSV round-trips exactly (greys)', () => {
    const img = { data: Uint8Array.from({ length: 64 * 3 }, (_, i) => Math.floor(i / 3) * 4), width: 64, height: 1 };
    const before = img.data.slice();
    applyHsvLuts(img, hsvLuts([1, 1, 1]));
    expect(img.data).toEqual(before);
  });
});
