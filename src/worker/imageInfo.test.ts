import { describe, expect, it } from 'vitest';
import { jpegOrientation, sniffFormat } from './imageInfo';

/** A JPEG head: SOI, an APP1 Exif segment whose IFD0 holds one Orientation entry, then SOS. */
function jpegWithOrientation(o: number, little: boolean): Uint8Array {
  const tiff: number[] = little
    ? [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, o, 0, 0, 0, 0, 0, 0, 0]
    : [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const len = payload.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe1, len >> 8, len & 0xff, ...payload, 0xff, 0xda, 0, 2]);
}

describe('image headers in the worker', () => {
  it('sniffs formats by signature, not by name', () => {
    expect(sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffFormat(new TextEncoder().encode('BM....'))).toBe('bmp');
    expect(sniffFormat(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(new Uint8Array([0x49, 0x49, 0x2a, 0x00]))).toBe('tiff');
    expect(sniffFormat(new TextEncoder().encode('GIF89a'))).toBe('gif');
    expect(sniffFormat(new TextEncoder().encode('hello'))).toBe('');
  });

  it('reads the EXIF orientation of a JPEG in either byte order', () => {
    expect(jpegOrientation(jpegWithOrientation(6, true))).toBe(6);
    expect(jpegOrientation(jpegWithOrientation(8, false))).toBe(8);
    expect(jpegOrientation(jpegWithOrientation(0, true))).toBe(1); // out of range: ignored
    expect(jpegOrientation(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBe(1);
    expect(jpegOrientation(jpegWithOrientation(3, true).subarray(0, 20))).toBe(1); // truncated EXIF
  });
});
