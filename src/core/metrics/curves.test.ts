import { describe, expect, it } from 'vitest';
import { apPerClass } from './apPerClass';
import { curvePeak, meanCurve, resampleCurve } from './curves';
import { linspace } from './numpyMath';
import { ValStats } from './valStats';

describe('ap_per_class curves (one class, 2 labels; predictions 0.9 TP, 0.6 FP, 0.3 TP; one IoU column)', () => {
  // Recall after each prediction 0.5, 0.5, 1; precision 1, 0.5, 2/3. Computed by hand.
  const res = apPerClass(Uint8Array.of(1, 0, 1), Float32Array.of(0.9, 0.6, 0.3), Float32Array.of(0, 0, 0), Float32Array.of(0, 0), 1);
  const c = res.curves;
  const at = (y: Float64Array, x: number) => resampleCurve(c.px, y)[Math.round(x * 100)];

  it('px is linspace(0, 1, 1000) and every curve has one row per class', () => {
    expect(c.px).toEqual(linspace(0, 1, 1000));
    expect([c.pr.length, c.p.length, c.r.length, c.f1.length]).toEqual([1, 1, 1, 1]);
    for (const row of [c.pr[0]!, c.p[0], c.r[0], c.f1[0]]) expect(row.length).toBe(1000);
  });

  it('recall and precision against confidence: 0 / 1 above the top score, linear between scores, last value below', () => {
    const [p, r] = [c.p[0], c.r[0]];
    expect(at(r, 0.95)).toBe(0);
    expect(at(p, 0.95)).toBe(1);
    expect(at(r, 0.75)).toBeCloseTo(0.5, 6);
    expect(at(p, 0.75)).toBeCloseTo(0.75, 4);
    expect(at(r, 0.45)).toBeCloseTo(0.75, 4);
    expect(at(p, 0.45)).toBeCloseTo((0.5 + 2 / 3) / 2, 4);
    expect(at(r, 0.1)).toBeCloseTo(1, 6);
    expect(at(p, 0.1)).toBeCloseTo(2 / 3, 6);
    // F1 = 2PR / (P + R) at 0.45: P 7/12, R 3/4.
    expect(at(c.f1[0], 0.45)).toBeCloseTo((2 * (7 / 12) * 0.75) / (7 / 12 + 0.75), 4);
  });

  it('PR curve is the precision envelope: 1 up to recall 0.5, 2/3 up to recall 1, 0 at the end sentinel', () => {
    const pr = c.pr[0]!;
    expect(at(pr, 0.25)).toBe(1);
    expect(at(pr, 0.75)).toBeCloseTo(2 / 3, 6);
    expect(pr[999]).toBe(0);
  });

  it('a class without predictions has no PR row (upstream appends none) and zero P/R/F1 rows', () => {
    const two = apPerClass(Uint8Array.of(1), Float32Array.of(0.8), Float32Array.of(0), Float32Array.of(0, 1), 1);
    expect(two.curves.pr[1]).toBeNull();
    expect(two.curves.p[1].every((v) => v === 0)).toBe(true);
    expect(two.curves.f1[1].every((v) => v === 0)).toBe(true);
    expect(two.curves.pr[0]).not.toBeNull();
  });
});

describe('ValStats curves', () => {
  it('keeps all-zero curves when nothing is correct yet, while the metrics stay 0 as upstream', () => {
    const vs = new ValStats(1);
    vs.add(Uint8Array.of(0, 0), Float32Array.of(0.7, 0.2), Float32Array.of(0, 1), Float32Array.of(0, 1));
    const s = vs.summarize(2);
    expect([s.mp, s.mr, s.map50, s.map]).toEqual([0, 0, 0, 0]);
    expect(s.apClass.length).toBe(0);
    expect(Array.from(s.curveClass!)).toEqual([0, 1]);
    for (const row of s.curves!.f1) expect(row.every((v) => v === 0)).toBe(true);
  });

  it('has no curves without predictions', () => {
    const vs = new ValStats(1);
    vs.add(new Uint8Array(0), new Float32Array(0), new Float32Array(0), Float32Array.of(0));
    expect(vs.summarize(1).curves).toBeUndefined();
  });
});

describe('curve helpers', () => {
  it('meanCurve averages the rows that exist, null when none', () => {
    expect(Array.from(meanCurve([Float64Array.of(0, 1, 2), null, Float64Array.of(2, 3, 4)])!)).toEqual([1, 2, 3]);
    expect(meanCurve([null, null])).toBeNull();
    expect(() => meanCurve([Float64Array.of(1), Float64Array.of(1, 2)])).toThrow(RangeError);
  });

  it('curvePeak finds the smoothed maximum of a plateau inside it', () => {
    const px = linspace(0, 1, 1000);
    const y = px.map((x) => (x >= 0.4 && x <= 0.6 ? 0.8 : 0.1));
    const { value, at, smoothed } = curvePeak(px, y);
    expect(smoothed.length).toBe(1000);
    expect(Math.max(...smoothed)).toBe(value);
    expect(value).toBeCloseTo(0.8, 9);
    expect(at).toBeGreaterThan(0.4);
    expect(at).toBeLessThan(0.6);
  });

  it('resampleCurve reads a line exactly at 101 points and rejects fewer than 2', () => {
    const px = linspace(0, 1, 1000);
    const out = resampleCurve(px, px.map((x) => 2 * x + 1));
    expect(out.length).toBe(101);
    out.forEach((v, i) => expect(v).toBeCloseTo(2 * (i / 100) + 1, 9));
    expect(() => resampleCurve(px, px, 1)).toThrow(RangeError);
  });
});
