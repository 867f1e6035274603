import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from '../core/data/errors';
import type { RgbImage } from '../core/data/image';
import { decodeImage, readImageInfo } from './image';

const SHARED = path.resolve(process.cwd(), '../shared');
// sha256 (first 16 hex) of cv2.imread(f)[:, :, ::-1] for every coco128 and synth val image, made by hand with
// Debian's python3-opencv 4.6 (see the fixture's meta).
const oracle = JSON.parse(readFileSync(path.resolve(process.cwd(), 'src/core/data/fixtures/cv2_decode.json'), 'utf8')) as {
  images: Record<string, [number, number, string]>;
};
const sha16 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);

async function expectDecodeError(input: Uint8Array | string, name: string | undefined, code: string, message: RegExp) {
  const err = await decodeImage(input, name).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageDecodeError);
  expect((err as ImageDecodeError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
}

/** The pixel at display position (x, y) of a stored w x h image shown with EXIF orientation o. */
function oriented(src: RgbImage, o: number): RgbImage {
  const { width: W, height: H } = src;
  const swap = o >= 5;
  const w = swap ? H : W;
  const h = swap ? W : H;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx, sy] = (
        {
          1: [x, y],
          2: [W - 1 - x, y],
          3: [W - 1 - x, H - 1 - y],
          4: [x, H - 1 - y],
          5: [y, x],
          6: [y, H - 1 - x],
          7: [W - 1 - y, H - 1 - x],
          8: [W - 1 - y, x],
        } as Record<number, [number, number]>
      )[o];
      data.set(src.data.subarray((sy * W + sx) * 3, (sy * W + sx) * 3 + 3), (y * w + x) * 3);
    }
  }
  return { data, width: w, height: h };
}

/** A 1x1 16-bit RGB PNG, written by hand (sharp cannot be told to write 16-bit values from raw input). */
function png16(rgb: [number, number, number]): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, body.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(body, 8);
    dv.setUint32(8 + body.length, crc(out.subarray(4, 8 + body.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 1);
  new DataView(ihdr.buffer).setUint32(4, 1);
  ihdr.set([16, 2, 0, 0, 0], 8); // bit depth 16, colour type RGB
  const row = new Uint8Array(7); // filter byte 0, then big-endian samples
  rgb.forEach((v, i) => new DataView(row.buffer).setUint16(1 + 2 * i, v));
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(row)), chunk('IEND', new Uint8Array(0))];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

describe('decodeImage: pixels identical to cv2.imread (OpenCV 4.6)', () => {
  it('decodes all 128 coco128 and 50 synth val images to the same RGB bytes', async () => {
    const entries = Object.entries(oracle.images);
    expect(entries).toHaveLength(178);
    const mismatches: string[] = [];
    for (const [rel, [w, h, sha]] of entries) {
      const img = await decodeImage(path.join(SHARED, 'datasets', rel));
      if (img.width !== w || img.height !== h || sha16(img.data) !== sha) mismatches.push(rel);
    }
    expect(mismatches).toEqual([]);
  });

  it('applies EXIF orientation 1..8 to JPEGs as imread does; WebP orientation is ignored as in OpenCV 4.6', async () => {
    const W = 5;
    const H = 3;
    const raw = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 37) % 256);
    const jpeg = (o: number) =>
      sharp(raw, { raw: { width: W, height: H, channels: 3 } })
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .withMetadata({ orientation: o })
        .toBuffer();
    const upright = await decodeImage(await jpeg(1));
    for (let o = 1; o <= 8; o++) {
      const buf = await jpeg(o);
      expect((await readImageInfo(buf)).orientation).toBe(o);
      const img = await decodeImage(buf, `o${o}.jpg`);
      expect(img).toEqual(oriented(upright, o));
    }
    const webp = await sharp(raw, { raw: { width: W, height: H, channels: 3 } }).webp({ lossless: true }).withMetadata({ orientation: 6 }).toBuffer();
    const w = await decodeImage(webp);
    expect([w.width, w.height]).toEqual([W, H]);
    expect(Array.from(w.data)).toEqual(Array.from(raw));
  });

  it('drops alpha, replicates grey and reduces 16-bit PNGs like IMREAD_COLOR', async () => {
    const rgba = await sharp(Uint8Array.of(10, 20, 30, 0, 40, 50, 60, 255), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    expect(Array.from((await decodeImage(rgba)).data)).toEqual([10, 20, 30, 40, 50, 60]);
    const grey = await sharp(Uint8Array.of(7, 200), { raw: { width: 2, height: 1, channels: 1 } }).png().toBuffer();
    expect(Array.from((await decodeImage(grey)).data)).toEqual([7, 7, 7, 200, 200, 200]);
    // 16-bit RGB PNG (1 px: R 0x12ff, G 0xfedc, B 0x00ff): cv2.imread gives [18, 254, 0], the high bytes
    expect(Array.from((await decodeImage(png16([0x12ff, 0xfedc, 0x00ff]))).data)).toEqual([18, 254, 0]);
  });

  it('converts CMYK JPEGs to RGB', async () => {
    const raw = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => [200, 120, 40][i % 3]);
    const cmyk = await sharp(raw, { raw: { width: 8, height: 8, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    const img = await decodeImage(cmyk, 'cmyk.jpg');
    expect([img.width, img.height, img.data.length]).toEqual([8, 8, 192]);
    // OpenCV's formula is a naive CMYK inversion, not colour-managed: close to the source, not equal to it
    for (let c = 0; c < 3; c++) expect(Math.abs(img.data[c] - raw[c])).toBeLessThan(40);
  });

  it('decodes BMP (which libvips cannot) with our own decoder', async () => {
    const bmp = new Uint8Array(58);
    const dv = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    dv.setUint32(10, 54, true);
    dv.setUint32(14, 40, true);
    dv.setInt32(18, 1, true);
    dv.setInt32(22, 1, true);
    dv.setUint16(28, 24, true);
    bmp.set([3, 2, 1], 54);
    expect(await decodeImage(bmp, 'a.bmp')).toEqual({ data: Uint8Array.of(1, 2, 3), width: 1, height: 1 });
    expect(await readImageInfo(bmp)).toEqual({ format: 'bmp', width: 1, height: 1, orientation: 1 });
  });
});

describe('decodeImage errors name the file', () => {
  const jpg = path.join(SHARED, 'datasets/coco128/images/train2017/000000000009.jpg');

  it('a truncated JPEG is image_corrupt', async () => {
    const cut = new Uint8Array(readFileSync(jpg)).subarray(0, 20000);
    await expectDecodeError(cut, 'cut.jpg', 'image_corrupt', /^cut\.jpg: cannot decode image: .*premature end/i);
  });

  it('a text file with an image extension is image_unsupported, an empty file image_corrupt', async () => {
    await expectDecodeError(new TextEncoder().encode('not an image'), 'fake.jpg', 'image_unsupported', /^fake\.jpg: /);
    await expectDecodeError(new Uint8Array(0), 'empty.png', 'image_corrupt', /^empty\.png: the file is empty/);
  });

  it('a format outside IMG_FORMATS (gif) is image_unsupported', async () => {
    const gif = await sharp(Uint8Array.of(1, 2, 3), { raw: { width: 1, height: 1, channels: 3 } }).gif().toBuffer();
    await expectDecodeError(gif, 'anim.gif', 'image_unsupported', /unsupported image format gif/);
  });

  it('a missing path is image_unreadable', async () => {
    await expectDecodeError('/nonexistent/dir/x.jpg', undefined, 'image_unreadable', /^\/nonexistent\/dir\/x\.jpg: cannot read file: ENOENT/);
  });

  it('reads header info without decoding', async () => {
    expect(await readImageInfo(jpg)).toEqual({ format: 'jpeg', width: 640, height: 480, orientation: 1 });
  });
});
