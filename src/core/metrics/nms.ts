// Upstream's `non_max_suppression` (utils/general.py, v7.0) on host arrays, plus the torchvision CPU `nms` kernel
// it calls. The decoded model output is read back once per batch; everything here is plain float32 arithmetic
// with Math.fround at each step torch rounds, so the kept boxes, their order and their values match upstream.
//
// Order of work per image, as upstream:
//   candidates obj > conf_thres -> cls *= obj (mask columns too, as upstream) -> xywh2xyxy ->
//   multi-label: every (row, class) with conf > thres in row-major (nonzero) order | best class: first max ->
//   classes filter -> argsort(conf, descending) (torch's unstable std::sort order) and keep max_nms ->
//   class-offset boxes (cls * max_wh unless agnostic) -> torchvision nms -> first max_det.
// Not reproduced: the wall-clock `time_limit` break (nondeterministic) and the autolabelling `labels` input.
import { MetricsInputError } from './errors';
import { torchArgsortDesc } from './stdSort';

const f = Math.fround;

export interface NmsOptions {
  /** Candidate and detection confidence threshold (upstream conf_thres, default 0.25). */
  confThres?: number;
  /** IoU above which a lower-scoring box is suppressed (upstream iou_thres, default 0.45). */
  iouThres?: number;
  /** Keep only these class indices (upstream `classes`). */
  classes?: readonly number[] | null;
  /** Suppress across classes (no class offset). */
  agnostic?: boolean;
  /** One detection per (box, class) above threshold instead of the best class only (ignored when nc == 1). */
  multiLabel?: boolean;
  /** Maximum detections kept per image (default 300). */
  maxDet?: number;
  /** Number of mask coefficients at the end of each row (segmentation heads; default 0). */
  nm?: number;
}

/** Upstream's fixed settings. */
export const NMS_MAX_WH = 7680;
export const NMS_MAX_NMS = 30000;

/**
 * torchvision.ops.nms on the CPU: stable sort by score (descending, NaN first), then greedy suppression of
 * every later box whose float32 IoU with a kept box is strictly greater than `iouThreshold` (compared in
 * double, as the C++ kernel promotes). Returns kept indices in score order. `maxKeep` stops once that many
 * boxes are kept: later boxes can neither change nor precede the earlier keeps, so the prefix is identical
 * to torchvision's result cut to `maxKeep`.
 */
export function torchvisionNms(
  boxes: Float32Array,
  scores: Float32Array,
  iouThreshold: number,
  maxKeep = Number.POSITIVE_INFINITY,
): Int32Array {
  const n = scores.length;
  if (boxes.length !== n * 4) {
    throw new MetricsInputError('METRICS_SHAPE', `nms: boxes have ${boxes.length} values, expected ${n} x 4`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const sa = scores[a];
    const sb = scores[b];
    const na = Number.isNaN(sa);
    const nb = Number.isNaN(sb);
    if (na || nb) return na === nb ? 0 : na ? -1 : 1;
    return sa > sb ? -1 : sa < sb ? 1 : 0;
  });
  // Coordinates and areas gathered in score order, so the O(n * kept) scan below reads memory linearly.
  const x1 = new Float32Array(n);
  const y1 = new Float32Array(n);
  const x2 = new Float32Array(n);
  const y2 = new Float32Array(n);
  const areas = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const o = 4 * order[k];
    x1[k] = boxes[o];
    y1[k] = boxes[o + 1];
    x2[k] = boxes[o + 2];
    y2[k] = boxes[o + 3];
    areas[k] = f(f(x2[k] - x1[k]) * f(y2[k] - y1[k]));
  }
  // Greedy NMS in its lazy form: a box survives iff no earlier *kept* box overlaps it by more than the
  // threshold. That is the same set torchvision's eager "suppress every later box" loop keeps (suppressed boxes
  // never suppress), and the IoU is computed with the kept box in the kernel's `i` role, so the float32 value is
  // identical. It lets us stop after `maxKeep` keeps and stop testing a box at its first suppressor.
  const kept: number[] = []; // positions in score order
  // Without overlap the kernel's IoU is 0 (or NaN for empty boxes), which only a negative threshold exceeds.
  const skipDisjoint = iouThreshold >= 0;
  for (let j = 0; j < n && kept.length < maxKeep; j++) {
    let alive = true;
    for (let k = 0; k < kept.length && alive; k++) {
      const i = kept[k];
      // std::max(a, b) is (a < b) ? b : a and std::min(a, b) is (b < a) ? b : a: spelled out for NaN parity.
      const dw = f((x2[j] < x2[i] ? x2[j] : x2[i]) - (x1[i] < x1[j] ? x1[j] : x1[i]));
      const w = 0 < dw ? dw : 0;
      if (w === 0 && skipDisjoint) continue;
      const dh = f((y2[j] < y2[i] ? y2[j] : y2[i]) - (y1[i] < y1[j] ? y1[j] : y1[i]));
      const h = 0 < dh ? dh : 0;
      if (h === 0 && skipDisjoint) continue;
      const inter = f(w * h);
      const ovr = f(inter / f(f(areas[i] + areas[j]) - inter));
      if (ovr > iouThreshold) alive = false;
    }
    if (alive) kept.push(j);
  }
  const keep = kept.map((k) => order[k]);
  return Int32Array.from(keep);
}

function checkThreshold(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) {
    throw new MetricsInputError('METRICS_THRESHOLD', `nms: ${name} ${v} is outside [0, 1]`);
  }
}

/**
 * `non_max_suppression(prediction (B, N, 5+nc+nm), ...)` -> per image a row-major Float32Array of
 * (n, 6+nm) rows [x1, y1, x2, y2, conf, cls, masks...], in upstream's order (conf descending).
 * `pred` rows are the decoded eval output: cx, cy, w, h (pixels), objectness, class scores (sigmoided).
 */
export function nonMaxSuppression(
  pred: Float32Array,
  shape: readonly [number, number, number],
  opts: NmsOptions = {},
): Float32Array[] {
  const [bs, rows, cols] = shape;
  const confThres = opts.confThres ?? 0.25;
  const iouThres = opts.iouThres ?? 0.45;
  const maxDet = opts.maxDet ?? 300;
  const nm = opts.nm ?? 0;
  const nc = cols - nm - 5;
  if (pred.length !== bs * rows * cols) {
    throw new MetricsInputError('METRICS_SHAPE', `nms: prediction has ${pred.length} values, shape [${shape.join(', ')}]`);
  }
  if (nc < 1) {
    throw new MetricsInputError('METRICS_SHAPE', `nms: ${cols} columns leave no class scores (nm=${nm})`);
  }
  checkThreshold('conf_thres', confThres);
  checkThreshold('iou_thres', iouThres);
  const multiLabel = (opts.multiLabel ?? false) && nc > 1;
  const classes = opts.classes ?? null;
  const ct = f(confThres); // torch compares a float32 tensor with a Python float in float32
  const width = 6 + nm;
  const out: Float32Array[] = [];

  const scaled = new Float32Array(cols - 5);
  for (let b = 0; b < bs; b++) {
    // Detections before sorting, one entry per (row, class): the row's offset, the class and obj*cls.
    const detRow: number[] = [];
    const detCls: number[] = [];
    const detConf: number[] = [];
    for (let r = 0; r < rows; r++) {
      const o = (b * rows + r) * cols;
      const obj = pred[o + 4];
      if (!(obj > ct)) continue;
      for (let k = 5; k < cols; k++) scaled[k - 5] = f(pred[o + k] * obj);
      if (multiLabel) {
        for (let j = 0; j < nc; j++) {
          if (scaled[j] > ct && (classes === null || classes.includes(j))) {
            detRow.push(o);
            detCls.push(j);
            detConf.push(scaled[j]);
          }
        }
      } else {
        // torch max(1): NaN wins, otherwise the first maximal index.
        let best = scaled[0];
        let bj = 0;
        for (let j = 1; j < nc && !Number.isNaN(best); j++) {
          if (scaled[j] > best || Number.isNaN(scaled[j])) {
            best = scaled[j];
            bj = j;
          }
        }
        if (best > ct && (classes === null || classes.includes(bj))) {
          detRow.push(o);
          detCls.push(bj);
          detConf.push(best);
        }
      }
    }
    const order = torchArgsortDesc(detConf).subarray(0, Math.min(detConf.length, NMS_MAX_NMS));
    const m = order.length;
    // (m, 6+nm) rows [x1, y1, x2, y2, conf, cls, masks...] in score order; boxes offset by class for the NMS.
    const x = new Float32Array(m * width);
    const boxes = new Float32Array(m * 4);
    const scores = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      const d = order[i];
      const o = detRow[d];
      const obj = pred[o + 4];
      const hw = f(pred[o + 2] / 2);
      const hh = f(pred[o + 3] / 2);
      const row = x.subarray(i * width, (i + 1) * width);
      row[0] = pred[o] - hw; // Float32Array stores round to float32, as torch's subtraction does
      row[1] = pred[o + 1] - hh;
      row[2] = pred[o] + hw;
      row[3] = pred[o + 1] + hh;
      row[4] = detConf[d];
      row[5] = detCls[d];
      for (let k = 0; k < nm; k++) row[6 + k] = pred[o + 5 + nc + k] * obj; // masks are scaled by obj upstream too
      const c = f(detCls[d] * (opts.agnostic ? 0 : NMS_MAX_WH));
      for (let k = 0; k < 4; k++) boxes[i * 4 + k] = row[k] + c;
      scores[i] = detConf[d];
    }
    const keep = torchvisionNms(boxes, scores, iouThres, maxDet);
    const res = new Float32Array(keep.length * width);
    for (let i = 0; i < keep.length; i++) res.set(x.subarray(keep[i] * width, (keep[i] + 1) * width), i * width);
    out.push(res);
  }
  return out;
}
