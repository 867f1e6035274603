import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apPerClass, computeAp, fitness } from './apPerClass';
import { MetricsInputError } from './errors';
import { processBatch } from './processBatch';
import { ValStats } from './valStats';

interface Tensor {
  shape: number[];
  data: (number | boolean)[];
}
const ref = JSON.parse(readFileSync(path.resolve(process.cwd(), '../shared/reference/metrics.json'), 'utf8'));
const nums = (t: Tensor) => t.data as number[];
const bools = (t: Tensor) => Uint8Array.from(t.data, (v) => (v ? 1 : 0));

/** Fixture floats carry 6 significant digits: 1e-6 absolute covers them for values in [0, 1]. */
function expectClose(got: ArrayLike<number>, want: number[], tol = 1e-6) {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tol));
}

describe('apPerClass vs upstream metrics.json', () => {
  const s = ref.stats_concat;
  const res = apPerClass(bools(s.correct), Float32Array.from(nums(s.conf)), Float32Array.from(nums(s.pred_cls)), Float32Array.from(nums(s.target_cls)));
  const want = ref.ap_per_class;

  it('classes, tp and fp exact', () => {
    expect(Array.from(res.apClass)).toEqual(nums(want.ap_class));
    expect(Array.from(res.tp)).toEqual(nums(want.tp));
    expect(Array.from(res.fp)).toEqual(nums(want.fp));
  });

  it('p, r, f1 at max mean F1 and ap (nc x 10) within 1e-6', () => {
    expectClose(res.p, nums(want.p));
    expectClose(res.r, nums(want.r));
    expectClose(res.f1, nums(want.f1));
    expect(want.ap.shape).toEqual([res.nc, res.niou]);
    expectClose(res.ap, nums(want.ap));
  });

  it('val.py flow from per-image detections: ap50, ap50-95, mp, mr, mAP, fitness within 1e-6', () => {
    const vs = new ValStats();
    for (const im of ref.images as { labels: Tensor; detections: Tensor }[]) {
      const det = Float32Array.from(nums(im.detections));
      const lab = Float32Array.from(nums(im.labels));
      const n = det.length / 6;
      const correct = lab.length ? processBatch(det, lab) : new Uint8Array(n * 10);
      vs.add(
        correct,
        Float32Array.from({ length: n }, (_, k) => det[k * 6 + 4]),
        Float32Array.from({ length: n }, (_, k) => det[k * 6 + 5]),
        Float32Array.from({ length: lab.length / 5 }, (_, k) => lab[k * 5]),
      );
    }
    const sum = vs.summarize(3);
    expectClose(sum.ap50, nums(ref.ap50));
    expectClose(sum.ap, nums(ref.ap50_95));
    expectClose([sum.mp, sum.mr, sum.map50, sum.map, sum.fitness], [ref.mp, ref.mr, ref.map50, ref.map, ref.fitness]);
    expect(Array.from(sum.nt)).toEqual([4, 3, 3]);
    expect(Array.from(sum.maps)).toEqual(Array.from(sum.ap));
  });

  it('compute_ap case: envelope, sentinels and 101-point AP', () => {
    const c = ref.compute_ap_case;
    const out = computeAp(nums(c.recall), nums(c.precision));
    expect(Math.abs(out.ap - c.ap)).toBeLessThanOrEqual(1e-6);
    expect(Array.from(out.mpre)).toEqual(nums(c.mpre));
    expect(Array.from(out.mrec)).toEqual(nums(c.mrec));
  });
});

describe('apPerClass semantics', () => {
  it('orders tied confidences as np.argsort(-conf) does (a stable sort moves AP by up to 0.038 here)', () => {
    // 40 predictions, conf on 4 levels, classes alternating, 25 labels per class. Expected: upstream output.
    const n = 40;
    const conf = Float32Array.from({ length: n }, (_, i) => [0.9, 0.6, 0.6, 0.3][i % 4]);
    const tp = new Uint8Array(n * 10);
    for (let i = 0; i < n; i++) for (let j = 0; j < 10; j++) tp[i * 10 + j] = (i * 3 + j) % 5 < 3 - Math.floor(j / 4) ? 1 : 0;
    const pc = Float32Array.from({ length: n }, (_, i) => i % 2);
    const tc = Float32Array.from({ length: 50 }, (_, i) => (i < 25 ? 0 : 1));
    const r = apPerClass(tp, conf, pc, tc);
    expect(Array.from(r.ap)).toEqual([
      0.5099999999999999, 0.503142857142857, 0.4959365079365079, 0.48472916666666666, 0.2848421052631579,
      0.33699999999999997, 0.31753408029878616, 0.29327777777777775, 0.12642857142857145, 0.12431848852901488,
      0.4813182503770739, 0.48733333333333334, 0.5130084301663247, 0.5046666666666666, 0.2789321266968326,
      0.28623529411764703, 0.32030158730158725, 0.32214619883040935, 0.128, 0.12147058823529415,
    ]);
    expect(Array.from(r.p)).toEqual([0.6, 0.6]);
    expect(Array.from(r.r)).toEqual([0.48, 0.48]);
    expect(Array.from(r.f1)).toEqual([0.5333333333333332, 0.5333333333333332]);
    expect(Array.from(r.tp)).toEqual([12, 12]);
    expect(Array.from(r.fp)).toEqual([8, 8]);
  });

  it('classes with labels but no predictions get zero rows', () => {
    const r = apPerClass(Uint8Array.of(1), Float32Array.of(0.9), Float32Array.of(0), Float32Array.of(0, 2), 1);
    expect(Array.from(r.apClass)).toEqual([0, 2]);
    expect(r.ap[1]).toBe(0);
    expect(r.p[1]).toBe(0);
    expect(r.r[1]).toBe(0);
  });

  it('fitness is 0.1 mAP@0.5 + 0.9 mAP@0.5:0.95', () => {
    expect(fitness(0.7, 0.8, 0.5, 0.3)).toBeCloseTo(0.05 + 0.27, 15);
    expect(fitness(1, 1, 0, 0)).toBe(0);
  });

  it('ValStats gives zeros when nothing is correct, as val.py', () => {
    const vs = new ValStats();
    vs.add(new Uint8Array(10), Float32Array.of(0.9), Float32Array.of(1), Float32Array.of(0));
    const s = vs.summarize(2);
    expect([s.mp, s.mr, s.map50, s.map, s.fitness]).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(s.nt)).toEqual([1, 0]);
    expect(Array.from(s.maps)).toEqual([0, 0]);
  });

  it('rejects mismatched lengths', () => {
    expect(() => apPerClass(new Uint8Array(9), new Float32Array(1), new Float32Array(1), new Float32Array(1))).toThrow(
      MetricsInputError,
    );
    expect(() => new ValStats().add(new Uint8Array(10), new Float32Array(1), new Float32Array(2), new Float32Array(0))).toThrow(
      /pred_cls 2/,
    );
  });
});
