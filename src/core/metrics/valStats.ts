// The statistics val.py collects per image and reduces at the end: (correct, conf, pred_cls, target_cls)
// rows are concatenated, ap_per_class runs only if any prediction is correct at any IoU (otherwise every
// metric stays 0, as upstream), and the summary is P, R, mAP@0.5, mAP@0.5:0.95 as means over the classes
// present in the labels, per-class rows, label counts per class and `maps` (per-class mAP for train.py).
import { apPerClass, fitness } from './apPerClass';
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
    let res: Omit<ValSummary, 'nt' | 'maps' | 'fitness'> = {
      mp: 0, mr: 0, map50: 0, map: 0, apClass: new Int32Array(0),
      p: empty, r: empty, f1: empty, tp: empty, fp: empty, ap50: empty, ap: empty,
    };
    if (correct.some((v) => v !== 0)) {
      const a = apPerClass(correct, conf, predCls, targetCls, this.niou);
      const ap50 = Float64Array.from({ length: a.nc }, (_, i) => a.ap[i * a.niou]);
      const apMean = Float64Array.from({ length: a.nc }, (_, i) => npMean(a.ap.subarray(i * a.niou, (i + 1) * a.niou)));
      res = {
        mp: npMean(a.p), mr: npMean(a.r), map50: npMean(ap50), map: npMean(apMean), apClass: a.apClass,
        p: a.p, r: a.r, f1: a.f1, tp: a.tp, fp: a.fp, ap50, ap: apMean,
      };
    }
    const maps = new Float64Array(nc).fill(res.map);
    res.apClass.forEach((c, i) => {
      if (c < nc) maps[c] = res.ap[i];
    });
    return { ...res, nt, maps, fitness: fitness(res.mp, res.mr, res.map50, res.map) };
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
