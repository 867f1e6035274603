// Node image decoding for val/detect: bytes or a path -> RgbImage with the pixels cv2.imread gives upstream.
//
// Decoder: sharp (libvips; its JPEG codec is mozjpeg, i.e. libjpeg-turbo's decoder: the same integer IDCT and
// upsampling OpenCV's libjpeg-turbo uses). Checked by hand against Debian's python3-opencv 4.6: all 128 coco128 and
// 250 synth JPEGs pixel-identical, and so are PNG (8/16-bit, grey, palette, alpha), TIFF, WebP, progressive and
// 4:4:4/4:2:2 JPEGs. What we set to get there:
//   - ignoreIcc: OpenCV ignores embedded colour profiles; sharp would convert through them.
//   - EXIF orientation applied for JPEG, PNG and TIFF (cv2.IMREAD_COLOR does), not for WebP (OpenCV 4.6 does not).
//   - alpha dropped, grey replicated to RGB, 16-bit reduced to 8 bits, as IMREAD_COLOR does.
//   - CMYK JPEGs converted with OpenCV's own formula instead of sharp's colour management.
//   - BMP (which libvips cannot read) through our own decoder.
import { readFile } from 'node:fs/promises';
import type sharpFactory from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { decodeBmp, isBmp } from '../core/data/bmp';
import { ImageDecodeError } from '../core/data/errors';
import type { RgbImage } from '../core/data/image';

type SharpFactory = typeof sharpFactory;
let sharpModule: Promise<SharpFactory> | undefined;

/** sharp is loaded on first use, so commands that decode nothing do not load (or need) libvips. */
async function sharpFor(file: string): Promise<SharpFactory> {
  sharpModule ??= import('sharp').then((m) => (m as unknown as { default: SharpFactory }).default ?? (m as unknown as SharpFactory));
  try {
    return await sharpModule;
  } catch (e) {
    sharpModule = undefined;
    throw new ImageDecodeError('decoder_missing', `the image decoder (npm package sharp) cannot be loaded: ${(e as Error).message}`, { file });
  }
}

/** Formats we decode, as sharp names them (the upstream IMG_FORMATS it can read; mpo files are JPEGs). */
const SUPPORTED = new Set(['jpeg', 'png', 'webp', 'tiff']);
/** Formats whose EXIF orientation OpenCV 4.6's imread applies. */
const ORIENTED = new Set(['jpeg', 'png', 'tiff']);

export interface ImageInfo {
  /** 'jpeg', 'png', 'webp', 'tiff' or 'bmp'. */
  format: string;
  /** Stored size, before any EXIF rotation. */
  width: number;
  height: number;
  /** EXIF orientation 1..8 (1 when absent). */
  orientation: number;
}

async function bytesOf(input: Uint8Array | string, name?: string): Promise<{ bytes: Uint8Array; file: string }> {
  if (typeof input !== 'string') return { bytes: input, file: name ?? '<buffer>' };
  try {
    return { bytes: new Uint8Array(await readFile(input)), file: name ?? input };
  } catch (e) {
    throw new ImageDecodeError('image_unreadable', `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: name ?? input,
    });
  }
}

/** Header metadata of a format we decode; anything else is image_unsupported. */
async function probe(sharp: SharpFactory, bytes: Uint8Array, file: string): Promise<Metadata & { format: string }> {
  if (!bytes.length) throw new ImageDecodeError('image_corrupt', 'the file is empty', { file });
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { failOn: 'none' }).metadata();
  } catch (e) {
    throw decodeError(e as Error, file);
  }
  if (!meta.format || !SUPPORTED.has(meta.format) || !meta.width || !meta.height) {
    throw new ImageDecodeError('image_unsupported', `unsupported image format ${meta.format ?? 'unknown'}`, { file });
  }
  return meta as Metadata & { format: string };
}

/** Format, stored size and EXIF orientation from the header, without decoding pixels (BMP: decoded). */
export async function readImageInfo(input: Uint8Array | string, name?: string): Promise<ImageInfo> {
  const { bytes, file } = await bytesOf(input, name);
  if (isBmp(bytes)) {
    const img = decodeBmp(bytes, file);
    return { format: 'bmp', width: img.width, height: img.height, orientation: 1 };
  }
  const meta = await probe(await sharpFor(file), bytes, file);
  return { format: meta.format, width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
}

/**
 * Decodes an image file (path) or its bytes into RGB, as cv2.imread(path)[:, :, ::-1] would. `name` labels errors
 * (useful with bytes). Throws ImageDecodeError naming the file: image_corrupt, image_unsupported, image_unreadable.
 */
export async function decodeImage(input: Uint8Array | string, name?: string): Promise<RgbImage> {
  const { bytes, file } = await bytesOf(input, name);
  if (isBmp(bytes)) return decodeBmp(bytes, file);
  const sharp = await sharpFor(file);
  const meta = await probe(sharp, bytes, file);
  // failOn 'truncated': a JPEG cut short is an error. (OpenCV would return it grey-filled; upstream's verification
  // rewrites or drops such files before val reads them.)
  const open = (): Sharp => sharp(bytes, { autoOrient: ORIENTED.has(meta.format), ignoreIcc: true, failOn: 'truncated' });
  try {
    if (meta.space === 'cmyk') {
      const { data, info } = await open().pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
      return cmykToRgb(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height);
    }
    const { data, info } = await open().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageDecodeError('image_unsupported', `decoded to ${info.channels} channels, expected 3`, { file });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (e) {
    throw decodeError(e as Error, file);
  }
}

/**
 * OpenCV's CMYK -> BGR (icvCvt_CMYK2BGR) on the values libjpeg returns, which for the usual Adobe CMYK JPEGs are
 * the inverted ones sharp reports: with c' = 255 - c and k' = 255 - k, R = k' - ((255 - c') * k' >> 8).
 */
function cmykToRgb(cmyk: Uint8Array, width: number, height: number): RgbImage {
  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const k = 255 - cmyk[i * 4 + 3];
    for (let c = 0; c < 3; c++) out[i * 3 + c] = k - ((cmyk[i * 4 + c] * k) >> 8);
  }
  return { data: out, width, height };
}

function decodeError(e: Error, file: string): ImageDecodeError {
  if (e instanceof ImageDecodeError) return e;
  const msg = e.message.split('\n')[0];
  const unsupported = /unsupported image format/i.test(msg);
  return new ImageDecodeError(unsupported ? 'image_unsupported' : 'image_corrupt', `cannot decode image: ${msg}`, { file });
}
