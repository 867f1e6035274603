import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from './errors';
import { IOUV, processBatch } from './processBatch';

interface Tensor {
  shape: number[];
  data: (number | boolean)[];
}
const ref = JSON.parse(readFileSync(path.resolve(process.cwd(), '../shared/reference/metrics.json'), 'utf8'));

describe('processBatch vs upstream metrics.json', () => {
  it('uses torch.linspace(0.5, 0.95, 10) float32 thresholds', () => {
    expect(Array.from(IOUV)).toEqual((ref.iouv as Tensor).data.map((v) => Math.fround(v as number)));
  });

  const images = ref.images as { labels: Tensor; detections: Tensor; correct: Tensor }[];
  images.forEach((im, i) => {
    it(`image ${i} (${im.detections.shape[0]} detections, ${im.labels.shape[0]} labels): correct matrix exact`, () => {
      const correct = processBatch(
        Float32Array.from(im.detections.data as number[]),
        Float32Array.from(im.labels.data as number[]),
      );
      expect(Array.from(correct, (v) => v === 1)).toEqual(im.correct.data);
    });
  });
});

describe('processBatch matching rules', () => {
  // `n` copies of one label (class 0, [10,10,50,50]) and `nd` detections [10,10,50,50+(i%3)] with falling conf:
  // many equal IoUs, so the outcome rests on upstream's sort-then-unique rules. Expected rows from upstream.
  function dupCase(nl: number, nd: number) {
    const labels = new Float32Array(nl * 5);
    for (let l = 0; l < nl; l++) labels.set([0, 10, 10, 50, 50], l * 5);
    const dets = new Float32Array(nd * 6);
    for (let i = 0; i < nd; i++) dets.set([10, 10, 50, 50 + (i % 3), 0.9 - 0.01 * i, 0], i * 6);
    const c = processBatch(dets, labels);
    const rowsAt = (t: number) => Array.from({ length: nd }, (_, i) => i).filter((i) => c[i * 10 + t] === 1);
    return { at50: rowsAt(0), at95: rowsAt(9) };
  }

  it('keeps per label the lowest-index detection left after the per-detection step, as upstream', () => {
    expect(dupCase(5, 30)).toEqual({ at50: [0, 1, 5, 6, 13], at95: [0, 1, 5, 6, 13] });
    expect(dupCase(4, 9)).toEqual({ at50: [0, 1], at95: [0, 1] });
  });

  it('needs the same class and IoU >= threshold', () => {
    const labels = Float32Array.of(1, 0, 0, 10, 10);
    // Detection 0: [0,0,10,5], IoU 50 / (100 + eps) which is exactly 0.5 in float32. Detection 1: IoU 1, wrong
    // class. Detection 2: IoU 1, right class. At 0.5 both 0 and 2 qualify and upstream (no re-sort before the
    // per-label unique) gives the label to the lower detection index, 0, despite its lower IoU.
    const dets = Float32Array.of(0, 0, 10, 5, 0.9, 1, 0, 0, 10, 10, 0.8, 2, 0, 0, 10, 10, 0.7, 1);
    const c = processBatch(dets, labels);
    expect(Array.from(c.subarray(0, 10))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(c.subarray(10, 20))).toEqual(new Array(10).fill(0));
    expect(Array.from(c.subarray(20, 30))).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('handles images without labels or detections', () => {
    expect(processBatch(new Float32Array(0), Float32Array.of(0, 0, 0, 1, 1)).length).toBe(0);
    expect(Array.from(processBatch(Float32Array.of(0, 0, 1, 1, 0.5, 0), new Float32Array(0)))).toEqual(
      new Array(10).fill(0),
    );
  });

  it('rejects rows of the wrong width', () => {
    expect(() => processBatch(new Float32Array(5), new Float32Array(5))).toThrow(MetricsInputError);
    expect(() => processBatch(new Float32Array(6), new Float32Array(4))).toThrow(/labels length 4/);
  });
});
