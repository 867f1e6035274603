// The one in-memory image type of the data path: 8-bit RGB, row-major HWC, no padding between rows. Node decodes into
// it (src/cli/image.ts), the browser will too, and resize/letterbox/augmentation read and write it.
import { ImageDecodeError } from './errors';

export interface RgbImage {
  /** (height, width, 3) uint8, row-major, RGB order. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** A new image filled with one colour (upstream's pad colour is 114 grey). */
export function filledImage(width: number, height: number, color: readonly [number, number, number] = [114, 114, 114]): RgbImage {
  checkSize(width, height, 'filledImage');
  const data = new Uint8Array(width * height * 3);
  if (color[0] === color[1] && color[1] === color[2]) data.fill(color[0]);
  else for (let i = 0; i < data.length; i += 3) data.set(color, i);
  return { data, width, height };
}

/** Throws unless `img` is a well-formed RgbImage (positive integer size, data of exactly h*w*3 bytes). */
export function assertRgbImage(img: RgbImage, what = 'image'): void {
  checkSize(img.width, img.height, what);
  if (!(img.data instanceof Uint8Array) || img.data.length !== img.width * img.height * 3) {
    throw new ImageDecodeError(
      'image_shape',
      `${what}: expected ${img.width}x${img.height}x3 = ${img.width * img.height * 3} bytes, got ${img.data?.length}`,
    );
  }
}

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageDecodeError('image_shape', `${what}: size must be positive integers, got ${width}x${height}`);
  }
}
