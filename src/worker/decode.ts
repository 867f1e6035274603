// Stored image bytes -> RgbImage in the worker: createImageBitmap decodes (applying EXIF orientation, as cv2.imread
// does, so the pixels match the post-EXIF sizes stored in the manifest), an OffscreenCanvas hands back the pixels. Browser JPEG decoders are not libjpeg-turbo: the same file may decode a few levels apart from OpenCV's,
// so pixel-exact parity with upstream holds for PNG, not for JPEG.
import { ImageDecodeError, type RgbImage } from '../core/data';

export async function decodeBlob(blob: Blob, file: string): Promise<RgbImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ImageDecodeError('image_corrupt', `the browser cannot decode this image (${blob.type || 'unknown type'}): ${why}`, { file });
  }
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new ImageDecodeError('decoder_missing', 'OffscreenCanvas 2d context is unavailable in this worker', { file });
    ctx.drawImage(bitmap, 0, 0);
    return rgbaToRgb(ctx.getImageData(0, 0, width, height).data, width, height);
  } finally {
    bitmap.close();
  }
}

/** (H, W, 4) RGBA -> (H, W, 3) RGB; alpha is dropped as cv2.imread(IMREAD_COLOR) drops it. */
export function rgbaToRgb(rgba: Uint8ClampedArray, width: number, height: number): RgbImage {
  const n = width * height;
  const data = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    data[i * 3] = rgba[j];
    data[i * 3 + 1] = rgba[j + 1];
    data[i * 3 + 2] = rgba[j + 2];
  }
  return { data, width, height };
}
