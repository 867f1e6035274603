// Test helpers (Node only): a DatasetFs over the real file system, the synthetic images the OpenCV oracle fixtures
// were made from, and the short hash those fixtures store.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RgbImage } from './image';

export { SHARED_DIR as SHARED } from '../../../test/refs';
export { nodeFs } from '../../../test/nodeData';

/**
 * The synthetic test image of fixtures/opencv_numpy_oracle.json: byte k of (h, w, 3) is
 * (x*4 + y*3 + c*60 + (noise >> 3)) & 255 with noise = ((k + seed) * 2654435761 mod 2^32) >> 24.
 */
export function oracleImage(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let k = 0; k < data.length; k++) {
    const noise = Math.imul(k + seed, 2654435761) >>> 24;
    const c = k % 3;
    const x = Math.floor(k / 3) % width;
    const y = Math.floor(k / (3 * width));
    data[k] = (x * 4 + y * 3 + c * 60 + (noise >> 3)) & 255;
  }
  return { data, width, height };
}

/** First 16 hex digits of sha256, as the fixtures store them. */
export function sha16(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', name), 'utf8')) as T;
}
