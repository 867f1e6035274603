import { describe, expect, it } from 'vitest';
import { gridXs, gridYs, niceDomain, ticksWithin, xAxis, xExtent, yAxisOf } from './scale';

describe('chart scales', () => {
  it('a value axis from 0 to a round value at or above the data, with round ticks (as recharts drew the losses)', () => {
    expect(niceDomain([0.081, 0.095, 0.012])).toEqual({ domain: [0, 0.1], ticks: [0, 0.025, 0.05, 0.075, 0.1] });
    expect(niceDomain([0.3, 0.87])).toEqual({ domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] });
    expect(niceDomain([12, 250])).toEqual({ domain: [0, 300], ticks: [0, 100, 200, 300] });
    // Negative data reaches below 0; NaN is ignored; all zeros still give an axis.
    expect(niceDomain([-0.4, 0.6, NaN]).domain).toEqual([-0.5, 0.75]);
    expect(niceDomain([0, 0])).toEqual({ domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] });
  });

  it('round ticks inside an x range, integers only on an epoch axis', () => {
    expect(ticksWithin(0.0625, 2, 4)).toEqual([0.5, 1, 1.5, 2]);
    expect(ticksWithin(0.1, 0.7, 3)).toEqual([0.2, 0.4, 0.6]);
    expect(ticksWithin(1, 2, 5, true)).toEqual([1, 2]);
    expect(ticksWithin(1, 100, 5, true)).toEqual([20, 40, 60, 80, 100]);
    expect(ticksWithin(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // Nothing round inside: the ends.
    expect(ticksWithin(1.01, 1.02, 1)).toEqual([1.01, 1.02]);
  });

  it('x spans the data; a single point gets room either side', () => {
    expect(xExtent([{ x: 0.25 }, { x: 1.5 }], false)).toEqual([0.25, 1.5]);
    expect(xExtent([{ x: 1 }], true)).toEqual([0, 2]);
    expect(xExtent([{ x: 1 }], false)).toEqual([0.5, 1.5]);
    expect(xExtent([], false)).toEqual([0, 1]);
  });

  it('axes as recharts takes them: x over a range, y over the named series only', () => {
    expect(xAxis(1, 3, true)).toEqual({ domain: [1, 3], ticks: [1, 2, 3] });
    const rows = [{ x: 1, a: 0.2, b: 7, note: 'x' }, { x: 2, a: 0.45, b: 9 }];
    expect(yAxisOf(rows, ['a'])).toEqual({ domain: [0, 0.6], ticks: [0, 0.2, 0.4, 0.6] });
    expect(yAxisOf(rows, ['a', 'b', 'note']).domain).toEqual([0, 10]);
    expect(yAxisOf([], ['a'])).toEqual(niceDomain([]));
  });

  it('grid lines at the ticks, in the plot area\'s pixels', () => {
    const area = { left: 52, top: 4, width: 200, height: 100 };
    expect(gridXs({ domain: [0, 2], ticks: [0, 0.5, 2] }, area)).toEqual([52, 102, 252]);
    expect(gridYs({ domain: [0, 0.1], ticks: [0, 0.05, 0.1] }, area)).toEqual([104, 54, 4]);
    expect(gridXs({ domain: [1, 1], ticks: [1] }, area)).toEqual([]);
  });
});
