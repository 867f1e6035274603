// The statistics val.py collects per image and reduces at the end: (correct, conf, pred_cls, target_cls)
// rows are concatenated, ap_per_class runs only if any prediction is correct at any IoU (otherwise every
// metric stays 0, as upstream), and the summary is P, R, mAP@0.5, mAP@0.5:0.95 as means over the classes
// present in the labels, per-class rows, label counts per class and `maps` (per-class mAP for train.py).
// The plotting curves come along; unlike upstream they are also kept when nothing is correct yet (then every
// precision, recall and F1 is 0, which is what such a model has; the metrics stay upstream's zeros either way).
import { apPerClass, fitness, type ApCurves } from './apPerClass';
import { MetricsInputError } from './errors';
import { npMean } from './numpyMath';

export interface ValSummary {
  mp: number;
  mr: number;
  map50: number;
  map: number;
  /** 0.1 * map50 + 0.9 * map. */
  fitness: number;
  /** Labels per class index (np.bincount(target_cls, minlength=nc)). */
  nt: Int32Array;
  /** Per-class rows (classes present in the labels, ascending), parallel arrays. */
  apClass: Int32Array;
  p: Float64Array;
  r: Float64Array;
  f1: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  ap50: Float64Array;
  /** AP averaged over the IoU thresholds, per class row. */
  ap: Float64Array;
  /** Length nc: per-class mAP@0.5:0.95, `map` for classes without labels (val.py `maps`). */
  maps: Float64Array;
  /** ap_per_class's PR / P / R / F1 curves, rows parallel to `curveClass`; absent without labels or predictions. */
  curves?: ApCurves;
  /** Class index of each curve row (the classes present in the labels). */
  curveClass?: Int32Array;
}

export class ValStats {
  private readonly correct: Uint8Array[] = [];
  private readonly conf: Float32Array[] = [];
  private readonly predCls: Float32Array[] = [];
  private readonly targetCls: Float32Array[] = [];

  constructor(readonly niou = 10) {}

  /** One image: correct (n, niou) from processBatch, its n confidences and classes, and its label classes. */
  add(correct: Uint8Array, conf: Float32Array, predCls: Float32Array, targetCls: Float32Array): void {
    if (correct.length !== conf.length * this.niou || predCls.length !== conf.length) {
      throw new MetricsInputError(
        'METRICS_SHAPE',
        `ValStats.add: correct has ${correct.length} values, conf ${conf.length}, pred_cls ${predCls.length} (niou ${this.niou})`,
      );
    }
    this.correct.push(correct);
    this.conf.push(conf);
    this.predCls.push(predCls);
    this.targetCls.push(targetCls);
  }

  summarize(nc: number): ValSummary {
    const correct = concat(this.correct, Uint8Array);
    const conf = concat(this.conf, Float32Array);
    const predCls = concat(this.predCls, Float32Array);
    const targetCls = concat(this.targetCls, Float32Array);

    let maxCls = nc - 1;
    for (const c of targetCls) maxCls = Math.max(maxCls, Math.trunc(c));
    const nt = new Int32Array(maxCls + 1);
    for (const c of targetCls) nt[Math.trunc(c)]++;

    const empty = new Float64Array(0);
    let res: Omit<ValSummary, 'nt' | 'maps' | 'fitness' | 'curves' | 'curveClass'> = {
      mp: 0, mr: 0, map50: 0, map: 0, apClass: new Int32Array(0),
      p: empty, r: empty, f1: empty, tp: empty, fp: empty, ap50: empty, ap: empty,
    };
    let a: ReturnType<typeof apPerClass> | null = null;
    if (correct.some((v) => v !== 0)) {
      const apc = apPerClass(correct, conf, predCls, targetCls, this.niou);
      a = apc;
      const ap50 = Float64Array.from({ length: apc.nc }, (_, i) => apc.ap[i * apc.niou]);
      const apMean = Float64Array.from({ length: apc.nc }, (_, i) => npMean(apc.ap.subarray(i * apc.niou, (i + 1) * apc.niou)));
      res = {
        mp: npMean(apc.p), mr: npMean(apc.r), map50: npMean(ap50), map: npMean(apMean), apClass: apc.apClass,
        p: apc.p, r: apc.r, f1: apc.f1, tp: apc.tp, fp: apc.fp, ap50, ap: apMean,
      };
    } else if (conf.length && targetCls.length) {
      a = apPerClass(correct, conf, predCls, targetCls, this.niou); // curves only: every value is 0
    }
    const maps = new Float64Array(nc).fill(res.map);
    res.apClass.forEach((c, i) => {
      if (c < nc) maps[c] = res.ap[i];
    });
    return {
      ...res, nt, maps, fitness: fitness(res.mp, res.mr, res.map50, res.map),
      ...(a ? { curves: a.curves, curveClass: a.apClass } : {}),
    };
  }
}

function concat<T extends Uint8Array | Float32Array>(parts: T[], Ctor: { new (n: number): T }): T {
  const out = new Ctor(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p as never, o);
    o += p.length;
  }
  return out;
}
