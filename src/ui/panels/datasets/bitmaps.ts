// Stored image Blobs to ImageBitmaps, on demand: one IndexedDB read and one createImageBitmap per image, at most
// DECODES at once for the whole page, each decoded straight to the size it is shown at (the browser decodes and
// scales off the main thread; a full-size 640 px bitmap per thumbnail would cost ~1.6 MB of memory each).
import { readImage, type ImageRef } from '../../../storage';
import { studioDb } from '../../db';
import { createLimiter } from './limiter';
import { thumbSize } from './imagePages';

const DECODES = 4;
const limited = createLimiter(DECODES);

/**
 * The image `ref` of dataset `datasetId`, decoded with its longer side at most `maxSide` px. The caller owns the
 * bitmap and closes it. Rejects with an AbortedError when `signal` aborts before the decode starts.
 */
export function loadBitmap(datasetId: string, ref: ImageRef, maxSide: number, signal?: AbortSignal): Promise<ImageBitmap> {
  return limited(
    async () => {
      const blob = await readImage(studioDb(), datasetId, ref.key);
      // ref.width/height are after EXIF orientation, which createImageBitmap applies too ('from-image').
      const { width, height } = thumbSize(ref.width, ref.height, maxSide);
      const bitmap = await createImageBitmap(blob, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium', imageOrientation: 'from-image' });
      if (signal?.aborted) {
        bitmap.close();
        throw new DOMException(`decode of ${ref.path} was cancelled`, 'AbortError');
      }
      return bitmap;
    },
    signal,
    `decode of ${ref.path}`,
  );
}

export const isAbort = (err: unknown) => (err as { name?: string }).name === 'AbortError';
