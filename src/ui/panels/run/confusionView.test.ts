import { describe, expect, it } from 'vitest';
import { cellFill, cellInk, confusionGrid } from './confusionView';

// 2 classes + background; rows predicted, columns true. cat: 3 labels (2 right, 1 missed); dog: 1 label called cat;
// 1 prediction of dog on nothing.
const names = ['cat', 'dog', 'background'];
const matrix = [
  2, 1, 0,
  0, 0, 1,
  1, 0, 0,
];

describe('confusionGrid', () => {
  it('normalizes each true-class column by its sum and blanks shares under 0.005', () => {
    const g = confusionGrid(names, matrix, true);
    expect(g.columnTotals).toEqual([3, 1, 1]);
    expect(g.rows[0][0].value).toBeCloseTo(2 / 3, 9);
    expect(g.rows[0][0].text).toBe('0.67');
    expect(g.rows[2][0].text).toBe('0.33');
    expect(g.rows[0][1].value).toBeCloseTo(1, 8); // 1 / (1 + 1e-9), upstream's eps
    expect(g.rows[1][2].text).toBe('1.00');
    expect(g.rows[1][1]).toEqual({ count: 0, value: null, text: '', intensity: 0 });
    // The largest share (1.0) is the darkest.
    expect(g.rows[0][1].intensity).toBeCloseTo(1, 6);
    expect(g.rows[0][0].intensity).toBeCloseTo(2 / 3, 6);
  });

  it('shows counts when not normalized, intensity relative to the largest count', () => {
    const g = confusionGrid(names, matrix, false);
    expect(g.rows.map((r) => r.map((c) => c.text))).toEqual([['2', '1', ''], ['', '', '1'], ['1', '', '']]);
    expect(g.rows[0][0].intensity).toBe(1);
    expect(g.rows[0][1].intensity).toBe(0.5);
  });

  it('an all-zero matrix is blank, and a size mismatch is an error', () => {
    const g = confusionGrid(['a', 'background'], [0, 0, 0, 0], true);
    expect(g.rows.flat().every((c) => c.text === '' && c.intensity === 0)).toBe(true);
    expect(() => confusionGrid(['a', 'background'], [1, 2, 3], true)).toThrow(/3 cells for 2 names/);
  });

  it('colours: white for blank cells, darker and white ink for strong ones', () => {
    expect(cellFill(0)).toBe('#fff');
    expect(cellFill(1)).toBe('rgba(8, 48, 107, 0.950)');
    expect(cellInk(0.9)).toBe('#fff');
    expect(cellInk(0.2)).not.toBe('#fff');
  });
});
