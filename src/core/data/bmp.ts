// A small BMP decoder (bmp is in upstream's IMG_FORMATS, and libvips/sharp cannot read it). Handles the layouts
// OpenCV and common tools write: 1/4/8-bit palette, 16-bit (555, or masks), 24-bit, 32-bit (alpha dropped), bottom-up
// or top-down rows. Compressed (RLE) files are refused with a clear error.
import { ImageDecodeError } from './errors';
import type { RgbImage } from './image';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
/** Refuse headers claiming more pixels than this before allocating (a 16k x 16k image). */
const MAX_PIXELS = 16384 * 16384;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // 'BM'
}

export function decodeBmp(bytes: Uint8Array, file = 'image.bmp'): RgbImage {
  const fail = (code: string, msg: string) => new ImageDecodeError(code, msg, { file });
  if (!isBmp(bytes) || bytes.length < 26) throw fail('image_corrupt', 'not a BMP file (no BM header)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  if (headerSize === 12) {
    // OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries
    width = dv.getUint16(18, true);
    height = dv.getInt16(20, true);
    bpp = dv.getUint16(24, true);
  } else if (headerSize >= 40 && bytes.length >= 14 + 40) {
    width = dv.getInt32(18, true);
    height = dv.getInt32(22, true);
    bpp = dv.getUint16(28, true);
    compression = dv.getUint32(30, true);
    colorsUsed = dv.getUint32(46, true);
  } else {
    throw fail('image_corrupt', `BMP header size ${headerSize} is not one we know`);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width < 1 || height < 1 || width * height > MAX_PIXELS) throw fail('image_corrupt', `BMP size ${width}x${height} is not usable`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw fail('image_unsupported', `BMP with ${bpp} bits per pixel`);
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !(bitfields && (bpp === 16 || bpp === 32))) {
    throw fail('image_unsupported', `compressed BMP (compression ${compression}) is not supported`);
  }

  // Channel masks: from the header (BITFIELDS), else the fixed BI_RGB layouts.
  let masks: [number, number, number] = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (bitfields) {
    const at = 14 + 40; // right after a 40-byte header, or inside V4/V5 headers at the same offset
    if (bytes.length < at + 12) throw fail('image_corrupt', 'BMP bit masks missing');
    masks = [dv.getUint32(at, true), dv.getUint32(at + 4, true), dv.getUint32(at + 8, true)];
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entry = headerSize === 12 ? 3 : 4;
    const count = colorsUsed || 1 << bpp;
    const start = 14 + headerSize;
    if (start + count * entry > bytes.length) throw fail('image_corrupt', 'BMP palette is truncated');
    palette = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      palette[i * 3] = bytes[start + i * entry + 2];
      palette[i * 3 + 1] = bytes[start + i * entry + 1];
      palette[i * 3 + 2] = bytes[start + i * entry];
    }
  }

  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  if (pixelOffset + rowBytes * height > bytes.length) throw fail('image_corrupt', 'BMP pixel data is truncated');
  const out = new Uint8Array(width * height * 3);
  const channel = (v: number, mask: number) => {
    if (!mask) return 0;
    const shift = Math.clz32(mask & -mask) ^ 31; // index of the lowest set bit
    const bits = 32 - Math.clz32(mask >>> shift);
    const x = (v & mask) >>> shift;
    // OpenCV widens 5/6-bit channels by shifting (x << 3), not by rescaling to 0..255
    return bits >= 8 ? x >>> (bits - 8) : (x << (8 - bits)) & 0xff;
  };
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const perByte = 8 / bpp;
        const byte = bytes[row + Math.floor(x / perByte)];
        const idx = (byte >> (8 - bpp * ((x % perByte) + 1))) & ((1 << bpp) - 1);
        if (idx * 3 + 2 >= palette.length) throw fail('image_corrupt', `BMP palette index ${idx} beyond its ${palette.length / 3} colours`);
        out[o] = palette[idx * 3];
        out[o + 1] = palette[idx * 3 + 1];
        out[o + 2] = palette[idx * 3 + 2];
      } else if (bpp === 24 || (bpp === 32 && !bitfields)) {
        const p = row + x * (bpp / 8);
        out[o] = bytes[p + 2];
        out[o + 1] = bytes[p + 1];
        out[o + 2] = bytes[p];
      } else {
        const v = bpp === 16 ? dv.getUint16(row + x * 2, true) : dv.getUint32(row + x * 4, true);
        out[o] = channel(v, masks[0]);
        out[o + 1] = channel(v, masks[1]);
        out[o + 2] = channel(v, masks[2]);
      }
    }
  }
  return { data: out, width, height };
}
