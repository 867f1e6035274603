import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './errors';
import { nonMaxSuppression, torchvisionNms, type NmsOptions } from './nms';

interface Tensor {
  shape: number[];
  data: number[];
}
interface Kwargs {
  conf_thres: number;
  iou_thres: number;
  multi_label?: boolean;
  agnostic?: boolean;
  max_det?: number;
}
const refDir = path.resolve(process.cwd(), '../shared/reference');
const load = (name: string) => JSON.parse(readFileSync(path.join(refDir, name), 'utf8'));

const toOpts = (k: Kwargs): NmsOptions => ({
  confThres: k.conf_thres,
  iouThres: k.iou_thres,
  multiLabel: k.multi_label,
  agnostic: k.agnostic,
  maxDet: k.max_det,
});

/** Same rows in the same order, same classes, coordinates/scores within the tolerance. */
function expectSameDetections(got: Float32Array, want: Tensor, coordTol: (v: number) => number) {
  expect(got.length / 6).toBe(want.shape[0]);
  for (let i = 0; i < want.shape[0]; i++) {
    expect(got[i * 6 + 5]).toBe(want.data[i * 6 + 5]);
    for (let k = 0; k < 4; k++) {
      const e = want.data[i * 6 + k];
      expect(Math.abs(got[i * 6 + k] - e)).toBeLessThanOrEqual(coordTol(e));
    }
    const s = want.data[i * 6 + 4];
    expect(Math.abs(got[i * 6 + 4] - s)).toBeLessThanOrEqual(1e-5 * Math.abs(s));
  }
}

describe('nonMaxSuppression vs upstream nms.json', () => {
  const ref = load('nms.json');
  const pred = Float32Array.from(ref.prediction.data as number[]);
  const cases = Object.entries(ref.cases as Record<string, { kwargs: Kwargs; output: Tensor[] }>);

  it('has the 6 settings', () => {
    expect(cases.length).toBe(6);
  });

  for (const [name, c] of cases) {
    it(`${name}: same boxes, order, classes; values within 1e-5 relative`, () => {
      const out = nonMaxSuppression(pred, ref.prediction.shape, toOpts(c.kwargs));
      expect(out.length).toBe(c.output.length);
      out.forEach((o, b) => expectSameDetections(o, c.output[b], (e) => 1e-5 * Math.abs(e)));
    });
  }
});

describe('nonMaxSuppression vs upstream trained_forward.json', () => {
  const ref = load('trained_forward.json');
  const decoded = Float32Array.from(ref.decoded.data as number[]);
  // The decoded input is stored rounded to 6 significant digits while upstream ran NMS on the unrounded
  // output, so box corners (cx - w/2 at ~200 px) can differ by up to ~1e-3 px; scores are exact products.
  for (const [name, c] of Object.entries(ref.nms as Record<string, { kwargs: Kwargs; output: Tensor }>)) {
    it(`${name}: same boxes, order and classes`, () => {
      const [out] = nonMaxSuppression(decoded, ref.decoded.shape, toOpts(c.kwargs));
      expectSameDetections(out, c.output, (e) => 2e-3 + 1e-5 * Math.abs(e));
    });
  }
});

describe('nonMaxSuppression semantics', () => {
  // 30 rows, boxes 20 px apart (no overlaps), obj / class scores on a coarse grid so many confidences tie.
  const n = 30;
  const tied = new Float32Array(n * 7);
  for (let r = 0; r < n; r++) {
    tied.set([20 * r + 10, 10, 8, 8, [0.5, 1][r % 2], [0.5, 1, 1][r % 3], [1, 0.5, 0.5, 1][r % 4]], r * 7);
  }

  it('orders tied confidences as upstream (torch argsort, not a stable sort)', () => {
    // Produced by upstream non_max_suppression(conf 0.1, iou 0.45, multi_label) on PyTorch 1.13.1.
    const rows = [
      23, 15, 17, 19, 13, 19, 11, 11, 23, 7, 7, 25, 5, 1, 29, 3, 27, 29, 25, 16, 17, 28, 28, 20, 20, 21, 21, 22, 27,
      15, 26, 24, 8, 0, 1, 2, 3, 4, 4, 5, 8, 16, 9, 10, 14, 13, 12, 9, 12, 24, 6, 6, 10, 22, 26, 18, 18, 2, 14, 0,
    ];
    const cls = [
      1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0,
      0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0,
    ];
    const [out] = nonMaxSuppression(tied, [1, n, 7], { confThres: 0.1, iouThres: 0.45, multiLabel: true });
    expect(out.length / 6).toBe(60);
    expect(Array.from({ length: 60 }, (_, i) => (out[i * 6] - 6) / 20)).toEqual(rows);
    expect(Array.from({ length: 60 }, (_, i) => out[i * 6 + 5])).toEqual(cls);
  });

  it('filters classes, keeps the first maximal class, and caps at maxDet', () => {
    const only1 = nonMaxSuppression(tied, [1, n, 7], { confThres: 0.1, multiLabel: true, classes: [1] })[0];
    expect(only1.length / 6).toBe(30);
    for (let i = 0; i < only1.length / 6; i++) expect(only1[i * 6 + 5]).toBe(1);
    // row 0: cls scores (0.5, 1) -> class 1; row 3: (0.5, 1) -> 1; row 6: (0.5, 0.5) -> first max, class 0
    const best = nonMaxSuppression(tied, [1, n, 7], { confThres: 0.1 })[0];
    expect(best.length / 6).toBe(30);
    const clsOf = (r: number) => best[Array.from({ length: 30 }, (_, i) => best[i * 6]).indexOf(20 * r + 6) * 6 + 5];
    expect([clsOf(0), clsOf(3), clsOf(6)]).toEqual([1, 1, 0]);
    expect(nonMaxSuppression(tied, [1, n, 7], { confThres: 0.1, maxDet: 7 })[0].length).toBe(7 * 6);
  });

  it('suppresses only IoU strictly above the threshold, per class unless agnostic', () => {
    // Boxes [0,0,2,2] and [0,0,2,1] have IoU exactly 0.5 (inter 2, union 4).
    const boxes = Float32Array.of(0, 0, 2, 2, 0, 0, 2, 1);
    const scores = Float32Array.of(0.9, 0.8);
    expect(Array.from(torchvisionNms(boxes, scores, 0.5))).toEqual([0, 1]);
    expect(Array.from(torchvisionNms(boxes, scores, 0.49))).toEqual([0]);
    // Same geometry as model rows (cx, cy, w, h), different classes: both survive unless agnostic.
    const pred = Float32Array.of(1, 1, 2, 2, 0.9, 1, 0, 1, 0.5, 2, 1, 0.8, 0, 1);
    expect(nonMaxSuppression(pred, [1, 2, 7], { iouThres: 0.3 })[0].length / 6).toBe(2);
    expect(nonMaxSuppression(pred, [1, 2, 7], { iouThres: 0.3, agnostic: true })[0].length / 6).toBe(1);
  });

  it('returns an empty array per image without candidates', () => {
    const out = nonMaxSuppression(new Float32Array(2 * 3 * 7), [2, 3, 7]);
    expect(out.map((o) => o.length)).toEqual([0, 0]);
  });

  it('rejects bad shapes and thresholds', () => {
    expect(() => nonMaxSuppression(new Float32Array(10), [1, 2, 7])).toThrow(MetricsInputError);
    expect(() => nonMaxSuppression(new Float32Array(10), [2, 1, 5])).toThrow(/no class scores/);
    expect(() => nonMaxSuppression(tied, [1, n, 7], { confThres: 1.5 })).toThrow(/conf_thres 1.5/);
    expect(() => nonMaxSuppression(tied, [1, n, 7], { iouThres: -0.1 })).toThrow(/iou_thres/);
  });
});
