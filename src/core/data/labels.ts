// YOLO label .txt -> float32 rows [cls, cx, cy, w, h] (normalized), checked as upstream's verify_image_label checks
// them: 5 columns, nothing negative, coordinates <= 1, duplicate rows removed and counted. Polygon rows (segment
// labels, more than 6 columns) become their bounding boxes as upstream's segments2boxes does.
import { LabelError } from './errors';

export interface LabelSet {
  /** (n, 5) float32 [cls, cx, cy, w, h], normalized to the image. */
  rows: Float32Array;
  n: number;
  /** Rows removed because they repeated another row exactly (upstream warns "N duplicate labels removed"). */
  duplicatesRemoved: number;
  /** True when the file held polygons (segments) and the rows are their boxes. */
  fromSegments: boolean;
}

export interface ParseLabelsOptions {
  /** When given, a class id >= nc is an error (upstream train.py asserts the same before training). */
  nc?: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** An empty label set: a background image (no label file, or an empty one). */
export function emptyLabels(): LabelSet {
  return { rows: new Float32Array(0), n: 0, duplicatesRemoved: 0, fromSegments: false };
}

/**
 * Parses and verifies the text of one label file. Throws LabelError naming `file` and the offending line; the caller
 * leaves the image out (upstream counts it as corrupt). Blank lines are skipped.
 */
export function parseLabels(text: string, file: string, opts: ParseLabelsOptions = {}): LabelSet {
  const rows: { values: number[]; line: number }[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const tokens = raw.trim().split(/\s+/).filter(Boolean);
    if (!tokens.length) return;
    const values = tokens.map((t, col) => {
      if (NON_FINITE.test(t)) throw new LabelError('label_not_finite', `column ${col + 1} is ${t}: values must be finite numbers`, { file, line: i + 1 });
      if (!NUMBER.test(t)) throw new LabelError('label_not_numeric', `column ${col + 1} is not a number: ${JSON.stringify(t)}`, { file, line: i + 1 });
      return Math.fround(Number(t)); // numpy parses to float32
    });
    rows.push({ values, line: i + 1 });
  });
  if (!rows.length) return emptyLabels();

  // Upstream: if any row has more than 6 columns the whole file is polygons "cls x1 y1 x2 y2 ...".
  const fromSegments = rows.some((r) => r.values.length > 6);
  const boxes = fromSegments ? rows.map((r) => ({ values: segmentToBox(r.values, file, r.line), line: r.line })) : rows;

  for (const { values, line } of boxes) {
    if (values.length !== 5) {
      throw new LabelError('label_columns', `labels require 5 columns, ${values.length} columns detected`, { file, line });
    }
    const neg = values.findIndex((v) => v < 0);
    if (neg >= 0) throw new LabelError('label_negative', `negative label value ${values[neg]} in column ${neg + 1}`, { file, line });
    const big = values.findIndex((v, c) => c > 0 && v > 1);
    if (big >= 0) {
      throw new LabelError('label_out_of_range', `non-normalized or out of bounds coordinate ${values[big]} in column ${big + 1} (must be <= 1)`, {
        file,
        line,
      });
    }
    if (opts.nc !== undefined && values[0] >= opts.nc) {
      throw new LabelError('label_class_range', `class ${values[0]} exceeds nc=${opts.nc} (classes are 0..${opts.nc - 1})`, { file, line });
    }
  }

  const unique = dedupeLikeNumpy(boxes.map((b) => b.values));
  const n = unique.length;
  const out = new Float32Array(n * 5);
  unique.forEach((r, i) => out.set(r, i * 5));
  return { rows: out, n, duplicatesRemoved: boxes.length - n, fromSegments };
}

/**
 * np.unique(lb, axis=0, return_index=True) then lb[i]: when there are duplicates upstream keeps the first of each
 * and the rows come out sorted lexicographically; without duplicates it keeps the file's order.
 */
function dedupeLikeNumpy(rows: number[][]): number[][] {
  const seen = new Map<string, number[]>();
  for (const r of rows) {
    const key = r.join(',');
    if (!seen.has(key)) seen.set(key, r);
  }
  if (seen.size === rows.length) return rows;
  return [...seen.values()].sort((a, b) => {
    for (let c = 0; c < a.length; c++) if (a[c] !== b[c]) return a[c] - b[c];
    return 0;
  });
}

/** One polygon row [cls, x1, y1, x2, y2, ...] -> [cls, cx, cy, w, h] of its bounding box (float32 as upstream). */
function segmentToBox(values: number[], file: string, line: number): number[] {
  const pts = values.length - 1;
  if (pts < 2 || pts % 2 !== 0) {
    throw new LabelError('label_segment', `a polygon row needs x y pairs after the class, got ${pts} values`, { file, line });
  }
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (let k = 1; k < values.length; k += 2) {
    x1 = Math.min(x1, values[k]);
    x2 = Math.max(x2, values[k]);
    y1 = Math.min(y1, values[k + 1]);
    y2 = Math.max(y2, values[k + 1]);
  }
  const f = Math.fround;
  return [values[0], f(f(x1 + x2) / 2), f(f(y1 + y2) / 2), f(x2 - x1), f(y2 - y1)];
}
