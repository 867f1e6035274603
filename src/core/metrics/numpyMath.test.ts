// Expected values below are NumPy 1.24.2 / upstream v7.0 outputs for the same inputs.
import { describe, expect, it } from 'vitest';
import { argmax, interp, linspace, npMean, npSum, roundHalfEven, smooth, trapz } from './numpyMath';

describe('numpyMath', () => {
  it('linspace hits the grid points NumPy does', () => {
    const x = linspace(0, 1, 101);
    expect(x[50]).toBe(0.5);
    expect(x[7]).toBe(7 * (1 / 100));
    expect(x[100]).toBe(1);
    expect(linspace(0, 1, 1000)[999]).toBe(1);
  });

  it('interp: duplicate xp take the last, exact hits, left value, right default', () => {
    const out = interp([0, 0.2, 0.25, 0.3, 1.2, -1], [0, 0.2, 0.2, 0.4, 1.0], [1, 0.9, 0.5, 0.4, 0.1], 7);
    expect(Array.from(out)).toEqual([1, 0.5, 0.47500000000000003, 0.45, 0.1, 7]);
  });

  it('sums pairwise like np.sum (not left to right)', () => {
    expect(npSum([1e16, 1, 1, 1, 1, 1, 1, 1, 1, -1e16, 3, 5])).toBe(16);
    expect(npSum(new Array(10).fill(0.1))).toBe(1);
    expect(npMean(new Array(10).fill(0.1))).toBe(0.1);
  });

  it('rounds half to even like np.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2]);
  });

  it('trapz and argmax', () => {
    expect(trapz([1, 0.5, 0.25], [0, 0.5, 1])).toBe(0.5625);
    expect(argmax([1, 3, 3, 2])).toBe(1);
  });

  it('smooth matches upstream for odd and even filter lengths', () => {
    const y = [0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0.5, 0.25, 0, 0, 1, 1, 0, 1, 1, 1];
    const third = 1 / 3;
    const twoThirds = 2 / 3;
    const expected = [
      third, third, third, third, twoThirds, twoThirds, twoThirds, twoThirds, 1, 0.8333333333333333,
      0.5833333333333334, 0.25, 0.08333333333333333, third, twoThirds, twoThirds, twoThirds, twoThirds, 1, 1,
    ];
    const got = smooth(y, 0.1);
    expect(got.length).toBe(20);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 15));
    expect(Array.from(smooth(y.slice(0, 10), 0.1))).toEqual([0, 0.5, 0.5, 0, 0.5, 1, 0.5, 0.5, 1, 1, 1]);
  });
});
