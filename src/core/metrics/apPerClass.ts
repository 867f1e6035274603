// utils/metrics.py `ap_per_class`, `compute_ap` and `fitness` (YOLOv5 v7.0), in float64 with NumPy's
// operation order (see numpyMath.ts) and NumPy's tie order when sorting by confidence (npArgsort.ts):
// equal confidences change the TP/FP order inside a class's precision-recall curve and so its AP.
import { MetricsInputError } from './errors';
import { npArgsort } from './npArgsort';
import { argmax, interp, linspace, roundHalfEven, smooth, trapz } from './numpyMath';

export interface ApResult {
  /** Interpolated AP (101-point COCO rule). */
  ap: number;
  /** Precision envelope with sentinels, length n+2. */
  mpre: Float64Array;
  /** Recall with sentinels 0 and 1, length n+2. */
  mrec: Float64Array;
}

const X101 = linspace(0, 1, 101);

/** `compute_ap(recall, precision)`: sentinels, monotone precision envelope, trapz of a 101-point interp. */
export function computeAp(recall: ArrayLike<number>, precision: ArrayLike<number>): ApResult {
  const n = recall.length;
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  mrec[n + 1] = 1;
  mpre[0] = 1;
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = recall[i];
    mpre[i + 1] = precision[i];
  }
  // np.flip(np.maximum.accumulate(np.flip(mpre))): running max from the right (NaN propagates).
  for (let i = n; i >= 0; i--) mpre[i] = Math.max(mpre[i + 1], mpre[i]);
  const ap = trapz(interp(X101, mrec, mpre), X101);
  return { ap, mpre, mrec };
}

export interface ApPerClassResult {
  /** Number of classes present in the labels (rows of every per-class output). */
  nc: number;
  /** IoU thresholds (columns of `ap`). */
  niou: number;
  /** Per class, at the confidence of maximum mean F1: true/false positives, precision, recall, F1. */
  tp: Float64Array;
  fp: Float64Array;
  p: Float64Array;
  r: Float64Array;
  f1: Float64Array;
  /** (nc, niou) row-major AP per class and IoU threshold. */
  ap: Float64Array;
  /** Class index of each row (the sorted unique label classes). */
  apClass: Int32Array;
  /** The curves upstream plots (PR_curve.png, F1/P/R_curve.png), one row per class row. */
  curves: ApCurves;
}

/** ap_per_class's plotting arrays: `px = linspace(0, 1, 1000)` is recall for `pr`, confidence for `p`, `r`, `f1`. */
export interface ApCurves {
  px: Float64Array;
  /**
   * Precision at recall px at IoU 0.5 (the envelope compute_ap integrates, upstream's `py`); null for a class
   * without predictions, for which upstream appends no row.
   */
  pr: (Float64Array | null)[];
  /** Precision, recall and F1 at confidence px (rows of zeros for a class without predictions, as upstream). */
  p: Float64Array[];
  r: Float64Array[];
  f1: Float64Array[];
}

/**
 * `ap_per_class(tp, conf, pred_cls, target_cls)`.
 * @param tp (n, niou) row-major booleans (1 = correct), as process_batch returns and val.py concatenates
 * @param conf (n) prediction confidences (float32)
 * @param predCls (n) predicted classes
 * @param targetCls label classes of all images
 */
export function apPerClass(
  tp: Uint8Array,
  conf: Float32Array,
  predCls: Float32Array,
  targetCls: Float32Array,
  niou = 10,
  eps = 1e-16,
): ApPerClassResult {
  const n = conf.length;
  if (tp.length !== n * niou || predCls.length !== n) {
    throw new MetricsInputError(
      'METRICS_SHAPE',
      `ap_per_class: tp has ${tp.length} values, conf ${n}, pred_cls ${predCls.length}; expected tp = conf x ${niou}`,
    );
  }
  // Sort by confidence, descending, with np.argsort(-conf)'s tie order.
  const negConf = new Float32Array(n);
  for (let i = 0; i < n; i++) negConf[i] = -conf[i];
  const order = npArgsort(negConf);

  // np.unique(target_cls, return_counts=True)
  const sortedT = Float32Array.from(targetCls).sort();
  const classes: number[] = [];
  const nt: number[] = [];
  for (let i = 0; i < sortedT.length; i++) {
    if (i > 0 && sortedT[i] === sortedT[i - 1]) nt[nt.length - 1]++;
    else {
      classes.push(sortedT[i]);
      nt.push(1);
    }
  }
  const nc = classes.length;

  const px = linspace(0, 1, 1000);
  const negPx = px.map((v) => -v);
  const ap = new Float64Array(nc * niou);
  const pCurve: Float64Array[] = [];
  const rCurve: Float64Array[] = [];
  const prCurve: (Float64Array | null)[] = [];
  for (let ci = 0; ci < nc; ci++) {
    const c = classes[ci];
    const rows: number[] = [];
    for (const k of order) if (predCls[k] === c) rows.push(k);
    const np_ = rows.length;
    const nl = nt[ci];
    if (np_ === 0 || nl === 0) {
      pCurve.push(new Float64Array(px.length));
      rCurve.push(new Float64Array(px.length));
      prCurve.push(null);
      continue;
    }
    const xp = Float64Array.from(rows, (k) => negConf[k]);
    const denomL = nl + eps;
    // Cumulative TP / FP per IoU column -> recall and precision curves (n_p, niou), column-major here.
    const recall: Float64Array[] = [];
    const precision: Float64Array[] = [];
    for (let j = 0; j < niou; j++) {
      const rc = new Float64Array(np_);
      const pc = new Float64Array(np_);
      let tpc = 0;
      let fpc = 0;
      for (let k = 0; k < np_; k++) {
        const t = tp[rows[k] * niou + j];
        tpc += t;
        fpc += 1 - t;
        rc[k] = tpc / denomL;
        pc[k] = tpc / (tpc + fpc);
      }
      recall.push(rc);
      precision.push(pc);
    }
    rCurve.push(interp(negPx, xp, recall[0], 0));
    pCurve.push(interp(negPx, xp, precision[0], 1));
    for (let j = 0; j < niou; j++) {
      const res = computeAp(recall[j], precision[j]);
      ap[ci * niou + j] = res.ap;
      if (j === 0) prCurve.push(interp(px, res.mrec, res.mpre));
    }
  }

  // F1 curves, their mean over classes (NumPy adds the class rows in order), smoothed, and its first maximum.
  const f1Curve = pCurve.map((pc, ci) => pc.map((p, k) => (2 * p * rCurve[ci][k]) / (p + rCurve[ci][k] + eps)));
  const meanF1 = new Float64Array(px.length);
  for (let k = 0; k < px.length; k++) {
    let s = 0;
    for (let ci = 0; ci < nc; ci++) s += f1Curve[ci][k];
    meanF1[k] = s / nc;
  }
  const best = nc > 0 ? argmax(smooth(meanF1, 0.1)) : 0;

  const p = Float64Array.from(pCurve, (c) => c[best]);
  const r = Float64Array.from(rCurve, (c) => c[best]);
  const f1 = Float64Array.from(f1Curve, (c) => c[best]);
  const tpOut = Float64Array.from(r, (rv, ci) => roundHalfEven(rv * nt[ci]));
  const fpOut = Float64Array.from(tpOut, (t, ci) => roundHalfEven(t / (p[ci] + eps) - t));
  return {
    nc, niou, tp: tpOut, fp: fpOut, p, r, f1, ap, apClass: Int32Array.from(classes, (c) => Math.trunc(c)),
    curves: { px, pr: prCurve, p: pCurve, r: rCurve, f1: f1Curve },
  };
}

/** Upstream `fitness`: weights [0, 0, 0.1, 0.9] on [P, R, mAP@0.5, mAP@0.5:0.95], summed as NumPy does. */
export function fitness(mp: number, mr: number, map50: number, map: number): number {
  return 0 + mp * 0.0 + mr * 0.0 + map50 * 0.1 + map * 0.9;
}
