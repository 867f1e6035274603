// utils/metrics.py `ConfusionMatrix` (v7.0): an (nc+1) x (nc+1) count matrix, rows = predicted class,
// columns = true class, index nc = background. Detections below `conf` are ignored; a label matched
// (IoU > iouThres, one-to-one as in matching.ts, with a re-sort by IoU between the two unique steps) counts at
// [detected class, true class], an unmatched label at [background, true class], and an unmatched detection at
// [detected class, background]. Upstream quirk kept: when an image has no match at all, its detections are
// not counted as background false positives.
import { boxIouRows } from './boxIou';
import { MetricsInputError } from './errors';
import { uniqueMatches, type Pairs } from './matching';

export class ConfusionMatrix {
  /** (nc+1, nc+1) row-major counts: matrix[pred * (nc+1) + true]. */
  readonly matrix: Float64Array;
  private readonly confT: number;
  private readonly iouT: number;

  constructor(
    readonly nc: number,
    readonly conf = 0.25,
    readonly iouThres = 0.45,
  ) {
    if (!Number.isInteger(nc) || nc < 1) {
      throw new MetricsInputError('METRICS_NC', `ConfusionMatrix: nc must be a positive integer, got ${nc}`);
    }
    this.matrix = new Float64Array((nc + 1) * (nc + 1));
    // Compared against float32 tensors, so the thresholds are float32 too.
    this.confT = Math.fround(conf);
    this.iouT = Math.fround(iouThres);
  }

  private bump(pred: number, truth: number): void {
    this.matrix[pred * (this.nc + 1) + truth] += 1;
  }

  /** Class indices must address a matrix cell; checked before any count changes. */
  private checkClasses(classes: Int32Array, what: string): void {
    for (const c of classes) {
      if (!(c >= 0 && c < this.nc)) {
        throw new MetricsInputError('METRICS_NC', `ConfusionMatrix: ${what} class ${c} is outside 0..${this.nc - 1}`);
      }
    }
  }

  /**
   * One image. `detections` (N, 6) [x1, y1, x2, y2, conf, cls] or null when the image has no predictions;
   * `labels` (M, 5) [cls, x1, y1, x2, y2] in the same pixel space.
   */
  processBatch(detections: Float32Array | null, labels: Float32Array): void {
    if (labels.length % 5 !== 0) {
      throw new MetricsInputError('METRICS_SHAPE', `ConfusionMatrix: labels length ${labels.length} is not m x 5`);
    }
    const m = labels.length / 5;
    const gt = Int32Array.from({ length: m }, (_, i) => Math.trunc(labels[i * 5]));
    this.checkClasses(gt, 'label');
    if (detections === null) {
      for (const g of gt) this.bump(this.nc, g); // background FN
      return;
    }
    if (detections.length % 6 !== 0) {
      throw new MetricsInputError('METRICS_SHAPE', `ConfusionMatrix: detections length ${detections.length} is not n x 6`);
    }
    const kept: number[] = [];
    for (let d = 0; d < detections.length / 6; d++) if (detections[d * 6 + 4] > this.confT) kept.push(d);
    const det = new Float32Array(kept.length * 6);
    kept.forEach((d, i) => det.set(detections.subarray(d * 6, d * 6 + 6), i * 6));
    const n = kept.length;
    const dc = Int32Array.from({ length: n }, (_, i) => Math.trunc(det[i * 6 + 5]));
    this.checkClasses(dc, 'detection');
    const iou = boxIouRows({ data: labels, rows: m, stride: 5, offset: 1 }, { data: det, rows: n, stride: 6, offset: 0 });

    const pairs: Pairs = { label: [], det: [], iou: [] };
    for (let l = 0; l < m; l++) {
      for (let d = 0; d < n; d++) {
        if (iou[l * n + d] > this.iouT) {
          pairs.label.push(l);
          pairs.det.push(d);
          pairs.iou.push(iou[l * n + d]);
        }
      }
    }
    const matches = uniqueMatches(pairs, true);
    const any = matches.label.length > 0;
    for (let l = 0; l < m; l++) {
      const k = matches.label.indexOf(l);
      if (any && k >= 0) this.bump(dc[matches.det[k]], gt[l]); // correct (or class confusion)
      else this.bump(this.nc, gt[l]); // background FN
    }
    if (any) {
      for (let d = 0; d < n; d++) if (!matches.det.includes(d)) this.bump(dc[d], this.nc); // background FP
    }
  }

  /** Diagonal TP and row-sum-minus-diagonal FP per class, background excluded (upstream `tp_fp`). */
  tpFp(): { tp: Float64Array; fp: Float64Array } {
    const k = this.nc + 1;
    const tp = new Float64Array(this.nc);
    const fp = new Float64Array(this.nc);
    for (let i = 0; i < this.nc; i++) {
      tp[i] = this.matrix[i * k + i];
      let row = 0;
      for (let j = 0; j < k; j++) row += this.matrix[i * k + j];
      fp[i] = row - tp[i];
    }
    return { tp, fp };
  }

  /** Row `i` (predicted class i, or background at nc) as a plain array. */
  row(i: number): number[] {
    const k = this.nc + 1;
    return Array.from(this.matrix.subarray(i * k, i * k + k));
  }
}
