// What the studio's checkpoint tools send and get back: "Try it" (a stored checkpoint on one image, as upstream
// detect.py) and "Validate" (a stored checkpoint on a stored dataset's val split, as upstream val.py). Plain data.
import type { ClassMetrics } from './messages';
import type { ValAnalytics } from './valAnalytics';

/** detect.py's defaults, the sliders' starting points. */
export const DETECT_CONF_DEFAULT = 0.25;
export const DETECT_IOU_DEFAULT = 0.45;
/** detect.py's max_det. */
export const DETECT_MAX_DET = 1000;
/**
 * Try-it runs NMS once with this confidence floor (val.py's) and the UI filters above it. Exact, not approximate:
 * greedy NMS visits boxes by descending score, so the boxes above a higher threshold are kept or suppressed exactly
 * as NMS at that threshold would; the max_det cut keeps the top scores in both cases.
 */
export const TRY_IT_CONF_FLOOR = 0.001;

/** The image to try: a dropped or picked file, or an image of a stored dataset. */
export type TryItImage =
  | { kind: 'file'; file: Blob; name: string }
  /** `path`: its path in the dropped dataset, for messages. */
  | { kind: 'dataset'; datasetId: string; key: string; path: string };

/** Which stored checkpoint a tool ran, as the panels name it. */
export interface CheckpointRef {
  runId: string;
  entryId: string;
  runName: string;
  /** 'best.pt', 'last.pt', 'epoch3.pt'. */
  fileName: string;
  /** Training epoch of the weights; -1 for a final, stripped file. */
  epoch: number;
  nc: number;
}

export interface TryItResult {
  checkpoint: CheckpointRef;
  /** The checkpoint's class names, by class index. */
  names: string[];
  /** The image's size after EXIF orientation: the pixel space of `dets`. */
  width: number;
  height: number;
  /** Inference size asked for (the run's training size unless given) and the letterboxed input's (height, width). */
  imgsz: number;
  inputHW: [number, number];
  /** (k, 6) rows [x1, y1, x2, y2, conf, cls], original pixels, confidence descending, every conf > TRY_IT_CONF_FLOOR. */
  dets: Float32Array;
  iouThres: number;
  ms: { preprocess: number; inference: number; nms: number };
}

export interface CheckpointValidation {
  checkpoint: CheckpointRef;
  dataset: { id: string; name: string };
  imgsz: number;
  batchSize: number;
  /** Class names of the rows (the dataset's, as `yolo-studio val` names them; 'item' for a single-class run). */
  names: string[];
  /** val.py's per-class rows; see `perClassZero`. */
  perClass: ClassMetrics[];
  /**
   * No prediction matched a label, so upstream prints no class rows: `perClass` then lists the labelled classes with
   * their instances and zero metrics (what upstream's all row says for each of them).
   */
  perClassZero: boolean;
  /** The all row, confusion matrix and curves (no gallery). */
  analytics: ValAnalytics;
  speedMs: { preprocess: number; inference: number; nms: number };
  /** Things the user should know about the numbers (class names that differ between checkpoint and dataset...). */
  warnings: string[];
}

/** A checkpoint entry id as its file name: 'best' -> 'best.pt', 'epoch-3' -> 'epoch3.pt'. */
export function ptFileName(entryId: string): string {
  return entryId.startsWith('epoch-') ? `epoch${entryId.slice('epoch-'.length)}.pt` : `${entryId}.pt`;
}

/**
 * The rows of `dets` ((k, 6) [x1, y1, x2, y2, conf, cls]) whose confidence is above `conf`, compared in float32 as the
 * NMS compares its own threshold, so filtering a TRY_IT_CONF_FLOOR result gives what NMS at `conf` gives.
 */
export function detectionsAbove(dets: Float32Array, conf: number): Float32Array {
  const c = Math.fround(conf);
  const out: number[] = [];
  for (let k = 0; k + 6 <= dets.length; k += 6) if (dets[k + 4] > c) for (let j = 0; j < 6; j++) out.push(dets[k + j]);
  return Float32Array.from(out);
}
