// A validation run as upstream val.py does it: rect batches letterboxed with pad 0.5, eval forward, multi-label
// NMS (conf 0.001, IoU 0.6, max_det 300), detections and labels rescaled to original pixels, matched at 10 IoU
// thresholds, then P / R / mAP50 / mAP50-95 over the classes present in the labels. Alongside, for the studio's
// analytics (none of it changes the metrics): upstream's confusion matrix (conf 0.25, IoU 0.45), and optionally a
// few images' true and predicted boxes for a gallery.
import * as tf from '@tensorflow/tfjs';
import { scaleBoxes, valBatches, type RgbImage, type ValItem } from './data';
import { ConfusionMatrix, ValStats, nonMaxSuppression, processBatch, type ValSummary } from './metrics';
import type { YoloModel } from './model';
import { predictDecoded } from './predict';
import { formatG } from './pyformat';
import { galleryImage, type GalleryImage } from './valGallery';

export interface ValOptions {
  imgsz?: number;
  batchSize?: number;
  confThres?: number;
  iouThres?: number;
  maxDet?: number;
  singleCls?: boolean;
  /** During training: [lbox, lobj, lcls] of the eval-mode raw outputs (upstream's val/*_loss columns). */
  lossFn?: (raw: tf.Tensor5D[], targets: Float32Array) => tf.Tensor1D;
  /** Keep true and predicted boxes of the first this many items (in `items` order) in `gallery`; default 0. */
  gallery?: number;
}

export interface ValClassRow { name: string; images: number; instances: number; P: number; R: number; mAP50: number; mAP50_95: number }

export interface ValResult {
  images: number;
  instances: number;
  P: number;
  R: number;
  mAP50: number;
  mAP50_95: number;
  fitness: number;
  perClass: ValClassRow[];
  /** Per image, as upstream's speed line. */
  speedMs: { preprocess: number; inference: number; nms: number };
  /** The batch shape of the last batch, (B, 3, H, W) as upstream prints it. */
  lastShape: [number, number, number, number];
  summary: ValSummary;
  /** Mean [lbox, lobj, lcls] over batches, when `lossFn` was given. */
  lossItems?: [number, number, number];
  /** Upstream's ConfusionMatrix counts, (nc+1, nc+1) row-major, rows predicted, columns true, index nc background. */
  confusion?: { nc: number; matrix: Float64Array };
  /** With `opts.gallery`: those items' boxes in original pixels, in `items` order. */
  gallery?: GalleryImage[];
}

export interface ValProgress { batch: number; batches: number; images: number }

export async function runVal(
  model: YoloModel,
  items: readonly ValItem[],
  decode: (file: string) => Promise<RgbImage>,
  names: readonly string[],
  opts: ValOptions = {},
  onProgress?: (p: ValProgress) => void,
): Promise<ValResult> {
  const { imgsz = 640, batchSize = 32, confThres = 0.001, iouThres = 0.6, maxDet = 300, singleCls = false } = opts;
  const stats = new ValStats();
  const confusion = new ConfusionMatrix(model.nc);
  const gallery: (GalleryImage & { index: number })[] = [];
  const dt = [0, 0, 0];
  let seen = 0;
  let nBatches = 0;
  const lossSum = [0, 0, 0];
  let lastShape: [number, number, number, number] = [0, 3, imgsz, imgsz];
  const batches = Math.ceil(items.length / batchSize);
  for await (const batch of valBatches(items, decode, { imgSize: imgsz, batchSize, stride: model.maxStride, pad: 0.5, rect: true })) {
    // Decoding and letterboxing are the loader's (upstream's dataloader workers); pre-process is uint8 -> float.
    const loss = opts.lossFn && { fn: opts.lossFn, targets: (start: number, count: number) => chunkTargets(batch.items.slice(start, start + count)) };
    const { data: pred, shape: [b, rows, cols], ms, lossItems } = await predictDecoded(model, batch.items.map((s) => s.image), loss);
    if (lossItems) lossItems.forEach((v, k) => { lossSum[k] += v; });
    dt[0] += ms.preprocess;
    dt[1] += ms.inference;
    const t = performance.now();
    const dets = nonMaxSuppression(pred, [b, rows, cols], { confThres, iouThres, multiLabel: true, agnostic: singleCls, maxDet });
    dt[2] += performance.now() - t;
    lastShape = [b, 3, batch.shapeHW[0], batch.shapeHW[1]];

    batch.items.forEach((s, si) => {
      const det = dets[si];
      const npr = det.length / 6;
      const nl = s.labels.length / 5;
      // --single-cls: upstream's dataloader makes every label class 0, for val as for train.
      const tcls = Float32Array.from({ length: nl }, (_, i) => (singleCls ? 0 : s.labels[i * 5]));
      seen += 1;
      // (nl, 5) [cls, x1, y1, x2, y2] in original pixels.
      const labelsn = new Float32Array(nl * 5);
      if (nl) {
        const tbox = Float32Array.from(s.boxes);
        scaleBoxes(batch.shapeHW, { data: tbox }, s.hw0, s.ratioPad);
        for (let i = 0; i < nl; i++) labelsn.set([tcls[i], ...tbox.subarray(i * 4, i * 4 + 4)], i * 5);
      }
      const keepForGallery = s.itemIndex < (opts.gallery ?? 0);
      if (npr === 0) {
        if (nl) {
          stats.add(new Uint8Array(0), new Float32Array(0), new Float32Array(0), tcls);
          confusion.processBatch(null, labelsn);
        }
        if (keepForGallery) gallery.push({ ...galleryImage(s.file, s.hw0, new Float32Array(0), labelsn), index: s.itemIndex });
        return;
      }
      if (singleCls) for (let i = 0; i < npr; i++) det[i * 6 + 5] = 0;
      const predn = Float32Array.from(det);
      scaleBoxes(batch.shapeHW, { data: predn, stride: 6 }, s.hw0, s.ratioPad);
      if (keepForGallery) gallery.push({ ...galleryImage(s.file, s.hw0, predn, labelsn), index: s.itemIndex });
      let correct: Uint8Array = new Uint8Array(npr * 10);
      if (nl) {
        correct = processBatch(predn, labelsn);
        // As val.py: only images with labels update the matrix (detections on label-free images are not counted).
        confusion.processBatch(predn, labelsn);
      }
      stats.add(correct, Float32Array.from({ length: npr }, (_, i) => det[i * 6 + 4]),
        Float32Array.from({ length: npr }, (_, i) => det[i * 6 + 5]), tcls);
    });
    nBatches++;
    onProgress?.({ batch: batch.index + 1, batches, images: seen });
  }

  const summary = stats.summarize(model.nc);
  const perClass = Array.from(summary.apClass, (c, i) => ({
    name: names[c] ?? String(c), images: seen, instances: summary.nt[c],
    P: summary.p[i], R: summary.r[i], mAP50: summary.ap50[i], mAP50_95: summary.ap[i],
  }));
  const per = (ms: number) => (seen ? ms / seen : 0);
  return {
    images: seen,
    instances: summary.nt.reduce((a, v) => a + v, 0),
    P: summary.mp, R: summary.mr, mAP50: summary.map50, mAP50_95: summary.map, fitness: summary.fitness,
    perClass,
    speedMs: { preprocess: per(dt[0]), inference: per(dt[1]), nms: per(dt[2]) },
    lastShape,
    summary,
    lossItems: opts.lossFn ? [lossSum[0] / nBatches, lossSum[1] / nBatches, lossSum[2] / nBatches] : undefined,
    confusion: { nc: confusion.nc, matrix: confusion.matrix },
    ...(opts.gallery ? { gallery: gallery.sort((a, b) => a.index - b.index).map(({ index: _, ...g }) => g) } : {}),
  };
}

/** The loader's normalised labels as loss targets: rows [img, cls, x, y, w, h]. */
function chunkTargets(items: readonly { labels: Float32Array }[]): Float32Array {
  const rows: number[] = [];
  items.forEach((s, i) => {
    for (let k = 0; k < s.labels.length; k += 5) rows.push(i, ...s.labels.subarray(k, k + 5));
  });
  return Float32Array.from(rows);
}

/** Upstream's val table: header, the 'all' row and (for fewer than 50 classes, or verbose) one row per class. */
export function formatValTable(r: ValResult, verbose: boolean, nc: number): string {
  const row = (name: string, images: number, inst: number, p: number, rr: number, m50: number, m: number) =>
    `${name.padStart(22)}${String(images).padStart(11)}${String(inst).padStart(11)}${[p, rr, m50, m].map((v) => formatG(v, 3).padStart(11)).join('')}`;
  const lines = [`${'Class'.padStart(22)}${['Images', 'Instances', 'P', 'R', 'mAP50', 'mAP50-95'].map((h) => h.padStart(11)).join('')}`];
  lines.push(row('all', r.images, r.instances, r.P, r.R, r.mAP50, r.mAP50_95));
  if (verbose || (nc < 50)) {
    for (const c of r.perClass) lines.push(row(c.name, c.images, c.instances, c.P, c.R, c.mAP50, c.mAP50_95));
  }
  const s = r.speedMs;
  lines.push(`Speed: ${s.preprocess.toFixed(1)}ms pre-process, ${s.inference.toFixed(1)}ms inference, ${s.nms.toFixed(1)}ms NMS per image at shape (${r.lastShape.join(', ')})`);
  return lines.join('\n');
}
