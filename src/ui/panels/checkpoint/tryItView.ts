// Pure pieces of the Try it panel: the dropped image to use, a dataset image's true boxes in pixels, the gallery
// entry the canvas is drawn from (detections filtered by the confidence slider), and the list's rows and count.
import { xywhnToXyxy } from '../../../core/data/boxes';
import { isImagePath } from '../../../core/data/paths';
import { detectionsAbove, type TryItResult } from '../../../protocol/checkpointTools';
import type { GalleryEntry } from '../../../protocol/valAnalytics';

/** The first image among dropped or picked files (by type, else by extension), or null. */
export function firstImage<T extends { name: string; type: string }>(files: readonly T[]): T | null {
  return files.find((f) => f.type.startsWith('image/') || isImagePath(f.name)) ?? null;
}

/** Stored labels (n, 5) [cls, cx, cy, w, h] normalized -> (n, 5) [cls, x1, y1, x2, y2] in pixels of a w x h image. */
export function truthBoxes(labels: ArrayLike<number>, width: number, height: number): Float32Array {
  return xywhnToXyxy({ data: Float32Array.from(labels), stride: 5, offset: 1 }, width, height);
}

/** What the canvas draws: the result's detections above `conf` and the true boxes, if any, as a gallery tile. */
export function tryItEntry(result: TryItResult, conf: number, truth: Float32Array | null): GalleryEntry {
  return { key: '', width: result.width, height: result.height, labels: truth ?? new Float32Array(0), dets: detectionsAbove(result.dets, conf) };
}

/** "3 detections", "1 detection", "no detections". */
export function countText(n: number): string {
  return n === 0 ? 'no detections' : `${n} detection${n === 1 ? '' : 's'}`;
}

export interface DetectionRow {
  cls: number;
  name: string;
  conf: string;
  /** 'x1, y1 – x2, y2' in whole pixels. */
  box: string;
}

/** The first `limit` rows of (k, 6) [x1, y1, x2, y2, conf, cls] detections, for the list under the image. */
export function detectionRows(dets: Float32Array, names: readonly string[], limit: number): DetectionRow[] {
  const rows: DetectionRow[] = [];
  for (let k = 0; k + 6 <= dets.length && rows.length < limit; k += 6) {
    const cls = dets[k + 5];
    const [x1, y1, x2, y2] = Array.from(dets.subarray(k, k + 4), Math.round);
    rows.push({ cls, name: names[cls] ?? String(cls), conf: dets[k + 4].toFixed(3), box: `${x1}, ${y1} – ${x2}, ${y2}` });
  }
  return rows;
}
