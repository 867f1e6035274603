import { describe, expect, it } from 'vitest';
import { detectionsAbove, ptFileName } from './checkpointTools';

describe('detectionsAbove', () => {
  // (3, 6) rows [x1, y1, x2, y2, conf, cls]; confidences float32(0.9), float32(0.45), float32(0.3).
  const dets = Float32Array.of(0, 0, 9, 9, 0.9, 2, 1, 1, 8, 8, 0.45, 0, 2, 2, 7, 7, 0.3, 1);

  it('keeps rows strictly above the threshold, compared in float32 as the NMS compares', () => {
    expect(Array.from(detectionsAbove(dets, 0.45))).toEqual(Array.from(dets.subarray(0, 6)));
    expect(Array.from(detectionsAbove(dets, 0.449))).toEqual(Array.from(dets.subarray(0, 12)));
    // float32(0.3) is above the double 0.3: a double comparison would keep the last row, the NMS does not.
    expect(Math.fround(0.3) > 0.3).toBe(true);
    expect(detectionsAbove(dets, 0.3).length).toBe(12);
    expect(detectionsAbove(dets, 0.001).length).toBe(18);
    expect(detectionsAbove(dets, 0.95).length).toBe(0);
    expect(detectionsAbove(new Float32Array(0), 0.25).length).toBe(0);
  });
});

describe('ptFileName', () => {
  it('names entries as the run folder does', () => {
    expect(ptFileName('best')).toBe('best.pt');
    expect(ptFileName('last')).toBe('last.pt');
    expect(ptFileName('epoch-12')).toBe('epoch12.pt');
  });
});
