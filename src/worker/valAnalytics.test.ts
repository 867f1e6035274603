import { describe, expect, it } from 'vitest';
import { ValStats } from '../core/metrics';
import type { ValResult } from '../core/val';
import { CURVE_POINTS } from '../protocol/valAnalytics';
import { toValAnalytics } from './valAnalytics';

/** A ValResult around a real ValStats summary: classes 0 and 1 labelled, class 1 never predicted. */
function valResult(stats: ValStats, nc: number, extra: Partial<ValResult> = {}): ValResult {
  const summary = stats.summarize(nc);
  return {
    images: 2, instances: summary.nt.reduce((a, b) => a + b, 0), P: summary.mp, R: summary.mr, mAP50: summary.map50,
    mAP50_95: summary.map, fitness: summary.fitness, perClass: [], speedMs: { preprocess: 0, inference: 0, nms: 0 },
    lastShape: [2, 3, 64, 64], summary, ...extra,
  };
}

function twoClassStats(): ValStats {
  const vs = new ValStats(1);
  // Class 0: 2 labels, predictions 0.9 TP, 0.6 FP, 0.3 TP. Class 1: 1 label, no prediction.
  vs.add(Uint8Array.of(1, 0, 1), Float32Array.of(0.9, 0.6, 0.3), Float32Array.of(0, 0, 0), Float32Array.of(0, 0, 1));
  return vs;
}

describe('toValAnalytics', () => {
  const matrix = Float64Array.of(2, 0, 1, 0, 0, 0, 0, 1, 0);
  const a = toValAnalytics(valResult(twoClassStats(), 2, { confusion: { nc: 2, matrix } }), ['cat', 'dog'], 'ds-1');

  it('carries the all row and the confusion counts with names and background', () => {
    expect(a.all).toMatchObject({ images: 2, instances: 3 });
    expect(a.confusion).toEqual({ names: ['cat', 'dog', 'background'], matrix: [2, 0, 1, 0, 0, 0, 0, 1, 0] });
  });

  it('PR: a line per class with predictions, legend AP@0.5 as upstream, mean named by mAP@0.5', () => {
    const pr = a.curves!.pr;
    expect(pr.lines.map((l) => l.name)).toEqual(['cat']);
    expect(pr.lines[0].y.length).toBe(CURVE_POINTS);
    expect(pr.lines[0].label).toMatch(/^cat 0\.\d{3}$/);
    expect(pr.lines[0].y[25]).toBe(1); // precision 1 up to recall 0.5
    expect(pr.lines[0].y[75]).toBeCloseTo(2 / 3, 6);
    expect(pr.mean!.label).toBe(`all classes ${a.all.mAP50.toFixed(3)} mAP@0.5`);
    // Only the class with predictions is averaged (upstream stacks only the appended rows).
    expect(Array.from(pr.mean!.y)).toEqual(Array.from(pr.lines[0].y));
  });

  it('F1 / P / R: a line per labelled class (zeros for dog) and a smoothed mean named by its peak', () => {
    const f1 = a.curves!.f1;
    expect(f1.lines.map((l) => l.name)).toEqual(['cat', 'dog']);
    expect(f1.lines[1].y.every((v) => v === 0)).toBe(true);
    expect(f1.mean!.label).toMatch(/^all classes 0\.\d\d at 0\.\d{3}$/);
    expect(f1.mean!.y.length).toBe(CURVE_POINTS);
    // The mean of cat and a zero dog never exceeds half of cat's best F1 (0.8: P 2/3, R 1).
    expect(Math.max(...f1.mean!.y)).toBeLessThanOrEqual(0.4 + 1e-6);
    expect(a.curves!.p.lines[0].y[95]).toBe(1);
    expect(a.curves!.r.lines[0].y[10]).toBeCloseTo(1, 6);
  });

  it('keeps only the mean lines above 20 classes', () => {
    const vs = new ValStats(1);
    const n = 25;
    vs.add(Uint8Array.from({ length: n }, () => 1), Float32Array.from({ length: n }, (_, i) => 0.9 - i * 0.01),
      Float32Array.from({ length: n }, (_, i) => i), Float32Array.from({ length: n }, (_, i) => i));
    const many = toValAnalytics(valResult(vs, n), [], 'ds');
    expect(many.curves!.pr.lines).toEqual([]);
    expect(many.curves!.f1.lines).toEqual([]);
    expect(many.curves!.f1.mean).not.toBeNull();
    expect(many.confusion).toBeNull();
  });

  it('passes the gallery through with the dataset id, and has no curves without predictions', () => {
    const vs = new ValStats(1);
    vs.add(new Uint8Array(0), new Float32Array(0), new Float32Array(0), Float32Array.of(0));
    const g = { file: 'k7', width: 128, height: 96, labels: Float32Array.of(0, 1, 2, 30, 40), dets: new Float32Array(0) };
    const out = toValAnalytics(valResult(vs, 1, { gallery: [g] }), ['cat'], 'ds-9');
    expect(out.curves).toBeUndefined();
    expect(out.gallery).toEqual({ datasetId: 'ds-9', images: [{ key: 'k7', width: 128, height: 96, labels: g.labels, dets: g.dets }] });
  });

  it('stays small: structured-clone size of a 3-class analytics with 6 images is under 40 kB', () => {
    const gallery = Array.from({ length: 6 }, (_, i) => ({ file: `k${i}`, width: 128, height: 128, labels: new Float32Array(5 * 4), dets: new Float32Array(6 * 30) }));
    const r = toValAnalytics(valResult(twoClassStats(), 3, { confusion: { nc: 3, matrix: new Float64Array(16) }, gallery }), ['a', 'b', 'c'], 'd');
    expect(JSON.stringify(r, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)).length).toBeLessThan(40_000);
  });
});
