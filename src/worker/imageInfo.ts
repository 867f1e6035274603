// The browser side of dataset verification (core/data verify's readInfo / decodeCheck): the format from the file's
// magic bytes, the EXIF orientation from a JPEG's APP1 segment, and the size from a real decode, so a corrupt file
// is caught here, by name, instead of in the middle of training.
import { ImageDecodeError } from '../core/data/errors';
import type { ImageHeader } from '../core/data/verify';

/** The format the bytes are in, by their signature ('' when none is recognised). */
export function sniffFormat(b: Uint8Array): string {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))) return 'tiff';
  if (b.length >= 6 && ascii(b, 0, 3) === 'GIF') return 'gif';
  return '';
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

/** EXIF orientation (1..8) of a JPEG, 1 when it has none or it cannot be read. */
export function jpegOrientation(b: Uint8Array): number {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 2;
  while (p + 4 <= b.length && b[p] === 0xff) {
    const marker = b[p + 1];
    const len = view.getUint16(p + 2);
    if (marker === 0xda || marker === 0xd9) break; // image data starts: no EXIF before it
    if (marker === 0xe1 && p + 10 <= b.length && ascii(b, p + 4, 6) === 'Exif\0\0') return tiffOrientation(view, p + 10);
    p += 2 + len;
  }
  return 1;
}

function tiffOrientation(view: DataView, tiff: number): number {
  try {
    const little = view.getUint16(tiff) === 0x4949;
    const ifd = tiff + view.getUint32(tiff + 4, little);
    const entries = view.getUint16(ifd, little);
    for (let i = 0; i < entries; i++) {
      const e = ifd + 2 + i * 12;
      if (view.getUint16(e, little) === 0x0112) {
        const o = view.getUint16(e + 8, little);
        return o >= 1 && o <= 8 ? o : 1;
      }
    }
  } catch {
    // A truncated EXIF block reads past the end: treat as no orientation, as PIL does.
  }
  return 1;
}

async function decode(bytes: Uint8Array, file: string, format: string): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${format}` }), { imageOrientation: 'from-image' });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (format === 'tiff') throw new ImageDecodeError('image_unsupported', 'this browser cannot decode TIFF images', { file });
    throw new ImageDecodeError('image_corrupt', `the image cannot be decoded (${why})`, { file });
  }
}

/** Format, stored size (before EXIF rotation) and orientation, after decoding the image once. */
export async function readImageInfo(bytes: Uint8Array, file: string): Promise<ImageHeader> {
  const format = sniffFormat(bytes);
  if (!format) throw new ImageDecodeError('image_corrupt', 'not an image (unknown file signature)', { file });
  const orientation = format === 'jpeg' ? jpegOrientation(bytes) : 1;
  const bitmap = await decode(bytes, file, format);
  // The decoder applied the orientation; orientations 5-8 swap the stored width and height.
  const swap = orientation >= 5;
  const header: ImageHeader = { format, width: swap ? bitmap.height : bitmap.width, height: swap ? bitmap.width : bitmap.height, orientation };
  bitmap.close();
  return header;
}

/** Decodes the whole image or throws (verify asks this of JPEGs without an end-of-image marker). */
export async function decodeCheck(bytes: Uint8Array, file: string): Promise<void> {
  (await decode(bytes, file, sniffFormat(bytes) || 'jpeg')).close();
}
