// val.py `process_batch`: which detections of one image are true positives at each of the 10 IoU thresholds
// 0.5:0.05:0.95. A detection is correct at threshold t when it is matched one-to-one (see matching.ts) to a
// label of the same class with IoU >= t. IoU and thresholds are float32 as upstream's tensors.
import { boxIouRows } from './boxIou';
import { MetricsInputError } from './errors';
import { uniqueMatches, type Pairs } from './matching';

/** torch.linspace(0.5, 0.95, 10) in float32 (these are exactly its values). */
export const IOUV: Float32Array = Float32Array.from([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);

/**
 * @param detections (N, 6) row-major [x1, y1, x2, y2, conf, cls] in the same pixel space as the labels
 * @param labels (M, 5) row-major [cls, x1, y1, x2, y2]
 * @returns correct (N, iouv.length) row-major, 1 = true positive at that threshold
 */
export function processBatch(detections: Float32Array, labels: Float32Array, iouv: Float32Array = IOUV): Uint8Array {
  if (detections.length % 6 !== 0) {
    throw new MetricsInputError('METRICS_SHAPE', `process_batch: detections length ${detections.length} is not n x 6`);
  }
  if (labels.length % 5 !== 0) {
    throw new MetricsInputError('METRICS_SHAPE', `process_batch: labels length ${labels.length} is not m x 5`);
  }
  const n = detections.length / 6;
  const m = labels.length / 5;
  const niou = iouv.length;
  const correct = new Uint8Array(n * niou);
  // (M, N): labels against detections, as upstream calls box_iou(labels[:, 1:], detections[:, :4]).
  const iou = boxIouRows(
    { data: labels, rows: m, stride: 5, offset: 1 },
    { data: detections, rows: n, stride: 6, offset: 0 },
  );
  for (let t = 0; t < niou; t++) {
    const thr = iouv[t];
    const pairs: Pairs = { label: [], det: [], iou: [] };
    for (let l = 0; l < m; l++) {
      const lc = Math.fround(labels[l * 5]);
      for (let d = 0; d < n; d++) {
        const v = iou[l * n + d];
        if (v >= thr && lc === Math.fround(detections[d * 6 + 5])) {
          pairs.label.push(l);
          pairs.det.push(d);
          pairs.iou.push(v);
        }
      }
    }
    for (const d of uniqueMatches(pairs, false).det) correct[d * niou + t] = 1;
  }
  return correct;
}
