import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxIou, boxIouRows } from './boxIou';
import { MetricsInputError } from './errors';

interface Tensor {
  shape: number[];
  data: number[];
}
// The fixture is Python JSON: some IoU variants hold bare NaN tokens, which JSON.parse rejects.
const ref = JSON.parse(
  readFileSync(path.resolve(process.cwd(), '../shared/reference/bbox_iou.json'), 'utf8').replace(
    /(?<=[[,\s])NaN(?=[,\]\s])/g,
    'null',
  ),
) as Record<string, Tensor>;

describe('boxIou', () => {
  it('matches upstream box_iou(box1_xyxy[:6], box2_xyxy[:8]) to the fixture\'s 6 significant digits', () => {
    const a = Float32Array.from(ref.box1_xyxy.data.slice(0, 6 * 4));
    const b = Float32Array.from(ref.box2_xyxy.data.slice(0, 8 * 4));
    const iou = boxIou(a, b);
    expect(ref.box_iou_matrix.shape).toEqual([6, 8]);
    expect(iou.length).toBe(48);
    ref.box_iou_matrix.data.forEach((e, k) => {
      // Stored values are rounded to 6 significant digits: at most half a unit in the 6th digit off.
      expect(Math.abs(iou[k] - e)).toBeLessThanOrEqual(5e-6 * Math.abs(e));
    });
  });

  it('gives the float32 values torch gives on hand cases', () => {
    // identical, contained (area 25 in 100), disjoint, edge-touching
    const a = Float32Array.of(0, 0, 10, 10);
    const b = Float32Array.of(0, 0, 10, 10, 0, 0, 5, 5, 20, 20, 30, 30, 10, 0, 20, 10);
    const iou = boxIou(a, b);
    expect(iou[0]).toBe(Math.fround(100 / Math.fround(100 + Math.fround(1e-7))));
    expect(iou[1]).toBe(Math.fround(25 / Math.fround(100 + Math.fround(1e-7))));
    expect(iou[2]).toBe(0);
    expect(iou[3]).toBe(0);
  });

  it('reads strided rows (labels [cls, x1, y1, x2, y2] against detections [x1, y1, x2, y2, conf, cls])', () => {
    const labels = Float32Array.of(7, 0, 0, 10, 10, 3, 0, 0, 5, 5);
    const dets = Float32Array.of(0, 0, 10, 10, 0.9, 7);
    const iou = boxIouRows({ data: labels, rows: 2, stride: 5, offset: 1 }, { data: dets, rows: 1, stride: 6, offset: 0 });
    expect(Array.from(iou)).toEqual(Array.from(boxIou(Float32Array.of(0, 0, 10, 10, 0, 0, 5, 5), Float32Array.of(0, 0, 10, 10))));
  });

  it('rejects arrays that are not n x 4', () => {
    expect(() => boxIou(Float32Array.of(0, 0, 1), Float32Array.of(0, 0, 1, 1))).toThrow(MetricsInputError);
    expect(() => boxIou(Float32Array.of(0, 0, 1), Float32Array.of(0, 0, 1, 1))).toThrow(/box1: length 3/);
  });
});
