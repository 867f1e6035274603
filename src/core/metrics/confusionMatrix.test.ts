import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusionMatrix';
import { MetricsInputError } from './errors';

describe('ConfusionMatrix (rows = predicted, columns = true, index nc = background)', () => {
  it('counts a hand-made image: correct, class confusion, background FP, low-conf ignored', () => {
    const cm = new ConfusionMatrix(2);
    const labels = Float32Array.of(0, 0, 0, 10, 10, 1, 20, 0, 30, 10, 1, 40, 0, 50, 10);
    const dets = Float32Array.of(
      0, 0, 10, 10, 0.9, 0, // on label 0, right class      -> [0, 0]
      20, 0, 30, 10, 0.8, 0, // on label 1, says class 0     -> [0, 1]
      60, 0, 70, 10, 0.7, 1, // on nothing                   -> [1, bg]
      40, 0, 50, 10, 0.1, 1, // on label 2 but conf <= 0.25: ignored, so label 2 -> [bg, 1]
    );
    cm.processBatch(dets, labels);
    expect([cm.row(0), cm.row(1), cm.row(2)]).toEqual([
      [1, 1, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    const { tp, fp } = cm.tpFp();
    expect(Array.from(tp)).toEqual([1, 0]);
    expect(Array.from(fp)).toEqual([1, 1]);
  });

  it('counts labels of an image without predictions as background FN', () => {
    const cm = new ConfusionMatrix(2);
    cm.processBatch(null, Float32Array.of(0, 0, 0, 1, 1, 1, 0, 0, 1, 1));
    expect(cm.row(2)).toEqual([1, 1, 0]);
  });

  it('keeps upstream\'s quirk: no match at all means detections are not counted', () => {
    const cm = new ConfusionMatrix(2);
    cm.processBatch(Float32Array.of(50, 50, 60, 60, 0.9, 1), Float32Array.of(0, 0, 0, 10, 10));
    expect([cm.row(0), cm.row(1), cm.row(2)]).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
  });

  it('matches one-to-one with the highest IoU per label (re-sorted between the unique steps)', () => {
    // 5 copies of one label and 30 detections on it with tiny height changes: upstream gives
    // 5 correct and 25 background FP (computed with upstream v7.0).
    const cm = new ConfusionMatrix(1);
    const labels = new Float32Array(25);
    for (let l = 0; l < 5; l++) labels.set([0, 10, 10, 50, 50], l * 5);
    const dets = new Float32Array(30 * 6);
    for (let i = 0; i < 30; i++) dets.set([10, 10, 50, 50 + (i % 3), 0.9 - 0.01 * i, 0], i * 6);
    cm.processBatch(dets, labels);
    expect([cm.row(0), cm.row(1)]).toEqual([
      [5, 25],
      [0, 0],
    ]);
  });

  it('rejects bad class counts, classes and shapes', () => {
    expect(() => new ConfusionMatrix(0)).toThrow(MetricsInputError);
    const cm = new ConfusionMatrix(2);
    expect(() => cm.processBatch(null, Float32Array.of(5, 0, 0, 1, 1))).toThrow(/label class 5/);
    expect(() => cm.processBatch(Float32Array.of(0, 0, 1, 1, 0.9, 3), Float32Array.of(0, 0, 0, 1, 1))).toThrow(
      /detection class 3/,
    );
    expect(() => cm.processBatch(Float32Array.of(1, 2, 3), Float32Array.of(0, 0, 0, 1, 1))).toThrow(/not n x 6/);
    expect(Array.from(cm.matrix)).toEqual(new Array(9).fill(0));
  });
});
