import { describe, expect, it } from 'vitest';
import { decodeBmp, isBmp } from './bmp';
import { ImageDecodeError } from './errors';

/** Builds a BMP with a 40-byte header (+ masks / palette) from raw rows given top to bottom. */
function bmp(opts: {
  width: number;
  height: number;
  bpp: number;
  rows: number[][]; // per row, the bytes of its pixels (without padding), top row first
  topDown?: boolean;
  compression?: number;
  palette?: [number, number, number][]; // RGB
  masks?: [number, number, number];
}): Uint8Array {
  const rowBytes = Math.ceil((opts.width * opts.bpp) / 32) * 4;
  const extra = (opts.masks ? 12 : 0) + (opts.palette ? opts.palette.length * 4 : 0);
  const offset = 14 + 40 + extra;
  const size = offset + rowBytes * opts.height;
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  dv.setUint32(2, size, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, opts.width, true);
  dv.setInt32(22, opts.topDown ? -opts.height : opts.height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, opts.bpp, true);
  dv.setUint32(30, opts.compression ?? (opts.masks ? 3 : 0), true);
  dv.setUint32(46, opts.palette?.length ?? 0, true);
  let p = 54;
  for (const m of opts.masks ?? []) {
    dv.setUint32(p, m, true);
    p += 4;
  }
  for (const [r, g, bl] of opts.palette ?? []) {
    b.set([bl, g, r, 0], p);
    p += 4;
  }
  opts.rows.forEach((row, y) => b.set(row, offset + (opts.topDown ? y : opts.height - 1 - y) * rowBytes));
  return b;
}

const RGB = (img: { data: Uint8Array }) => Array.from(img.data);

describe('decodeBmp', () => {
  it('reads 24-bit bottom-up rows with padding, BGR to RGB', () => {
    const img = decodeBmp(bmp({ width: 2, height: 2, bpp: 24, rows: [[3, 2, 1, 6, 5, 4], [9, 8, 7, 12, 11, 10]] }));
    expect([img.width, img.height]).toEqual([2, 2]);
    expect(RGB(img)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reads 32-bit top-down (alpha dropped) and 32-bit bit fields', () => {
    expect(RGB(decodeBmp(bmp({ width: 1, height: 2, bpp: 32, topDown: true, rows: [[3, 2, 1, 255], [6, 5, 4, 0]] })))).toEqual([1, 2, 3, 4, 5, 6]);
    const masks: [number, number, number] = [0x000000ff, 0x0000ff00, 0x00ff0000]; // RGBA byte order
    expect(RGB(decodeBmp(bmp({ width: 1, height: 1, bpp: 32, masks, rows: [[10, 20, 30, 40]] })))).toEqual([10, 20, 30]);
  });

  it('reads palette images (8-bit and 1-bit)', () => {
    const palette: [number, number, number][] = [
      [0, 0, 0],
      [200, 100, 50],
    ];
    expect(RGB(decodeBmp(bmp({ width: 3, height: 1, bpp: 8, palette, rows: [[1, 0, 1]] })))).toEqual([200, 100, 50, 0, 0, 0, 200, 100, 50]);
    expect(RGB(decodeBmp(bmp({ width: 3, height: 1, bpp: 1, palette, rows: [[0b10100000]] })))).toEqual([200, 100, 50, 0, 0, 0, 200, 100, 50]);
  });

  it('widens 16-bit 555 and 565 channels by shifting, as OpenCV does', () => {
    // 555: r=31, g=1, b=16 -> 248, 8, 128
    const v555 = (31 << 10) | (1 << 5) | 16;
    expect(RGB(decodeBmp(bmp({ width: 1, height: 1, bpp: 16, rows: [[v555 & 255, v555 >> 8]] })))).toEqual([248, 8, 128]);
    const v565 = (31 << 11) | (63 << 5) | 1;
    const masks: [number, number, number] = [0xf800, 0x07e0, 0x001f];
    expect(RGB(decodeBmp(bmp({ width: 1, height: 1, bpp: 16, masks, rows: [[v565 & 255, v565 >> 8]] })))).toEqual([248, 252, 8]);
  });

  it('refuses compressed, truncated and non-BMP input with a named error', () => {
    const rle = bmp({ width: 1, height: 1, bpp: 8, compression: 1, palette: [[0, 0, 0]], rows: [[0]] });
    expect(() => decodeBmp(rle, 'x.bmp')).toThrow(ImageDecodeError);
    expect(() => decodeBmp(rle, 'x.bmp')).toThrow(/^x\.bmp: compressed BMP/);
    const ok = bmp({ width: 4, height: 4, bpp: 24, rows: [[], [], [], []] });
    try {
      decodeBmp(ok.subarray(0, ok.length - 5), 'cut.bmp');
      throw new Error('expected a throw');
    } catch (e) {
      expect((e as ImageDecodeError).code).toBe('image_corrupt');
      expect((e as Error).message).toBe('cut.bmp: BMP pixel data is truncated');
    }
    expect(isBmp(Uint8Array.of(0xff, 0xd8))).toBe(false);
    expect(() => decodeBmp(Uint8Array.of(0x42, 0x4d, 0, 0))).toThrow(/not a BMP/);
  });
});
