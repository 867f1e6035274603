// What the run view shows of one validation beyond the results row: the 'all' row, upstream's confusion matrix, the
// PR and metric-confidence curves (PR_curve.png, F1/P/R_curve.png) and a few images' boxes. The worker builds it from
// the ValResult (worker/valAnalytics.ts); it rides on the 'epoch' message, so it is kept small: curves resampled from 1000 to 101 points, per
// class lines only for up to 20 classes (upstream draws more classes as unlabelled grey lines), a handful of images.
import type { ValClassRow } from '../core/val';

/** Points per curve line: x = k / (CURVE_POINTS - 1). */
export const CURVE_POINTS = 101;
/** Above this many classes only the "all classes" line is sent (upstream stops labelling lines at 21). */
export const MAX_CLASS_LINES = 20;

export interface CurveLine {
  name: string;
  /** Class index (for its colour); -1 for the "all classes" line. */
  cls: number;
  /** The legend text upstream writes for the line. */
  label: string;
  /** CURVE_POINTS values at x = 0, 0.01, ..., 1 (recall for PR, confidence otherwise). */
  y: Float32Array;
}

export interface CurveChart {
  /** Per class present in the labels (PR: only those with predictions, as upstream); empty above MAX_CLASS_LINES. */
  lines: CurveLine[];
  /** The thick "all classes" line, with upstream's legend; null when no class has a line. */
  mean: CurveLine | null;
}

export interface CurveCharts {
  pr: CurveChart;
  f1: CurveChart;
  p: CurveChart;
  r: CurveChart;
}

export interface GalleryEntry {
  /** Storage key of the image among the dataset's stored blobs. */
  key: string;
  width: number;
  height: number;
  /** (m, 5) [cls, x1, y1, x2, y2] true boxes, original pixels. */
  labels: Float32Array;
  /** (k, 6) [x1, y1, x2, y2, conf, cls] predictions, original pixels, confidence descending. */
  dets: Float32Array;
}

export interface ValAnalytics {
  /** val.py's 'all' row. */
  all: { images: number; instances: number; P: number; R: number; mAP50: number; mAP50_95: number };
  /** Upstream ConfusionMatrix (conf 0.25, IoU 0.45): (nc+1)^2 counts, rows predicted, columns true; last = background. */
  confusion: { names: string[]; matrix: number[] } | null;
  /** Absent when the validation had no predictions or no labels. */
  curves?: CurveCharts;
  gallery?: { datasetId: string; images: GalleryEntry[] };
}

/**
 * A run's latest validation as the worker stores it beside the run (storage saveLatestValidation) and the run view
 * reads it back, so a past run or a reload shows its per-class table, confusion matrix, curves and gallery.
 */
export interface RunValidation {
  perClass: ValClassRow[];
  analytics: ValAnalytics;
}
