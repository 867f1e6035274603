// What upstream's plot_pr_curve / plot_mc_curve draw from ap_per_class's 1000-point curves, as numbers: the
// "all classes" mean line, its legend figure, and a resampling to fewer points for a chart (a worker message
// carries 101 points per line, not 1000).
import { argmax, interp, linspace, smooth } from './numpyMath';

/**
 * Element-wise mean of the rows that exist (plot_pr_curve's `py.mean(1)` over the appended classes, plot_mc_curve's
 * `py.mean(0)`); null when there is no row. Rows are summed in order, then divided, as NumPy's mean does.
 */
export function meanCurve(rows: readonly (ArrayLike<number> | null)[]): Float64Array | null {
  const present = rows.filter((r): r is ArrayLike<number> => r !== null);
  if (!present.length) return null;
  const n = present[0].length;
  const out = new Float64Array(n);
  for (const r of present) {
    if (r.length !== n) throw new RangeError(`meanCurve: rows of ${n} and ${r.length} points`);
    for (let i = 0; i < n; i++) out[i] += r[i];
  }
  for (let i = 0; i < n; i++) out[i] /= present.length;
  return out;
}

/**
 * plot_mc_curve's "all classes" line: the mean curve smoothed (box filter, fraction 0.05), and its legend figures,
 * the smoothed maximum and the px where it first occurs.
 */
export function curvePeak(px: ArrayLike<number>, y: ArrayLike<number>): { smoothed: Float64Array; value: number; at: number } {
  const smoothed = smooth(y, 0.05);
  const i = argmax(smoothed);
  return { smoothed, value: smoothed[i], at: px[i] };
}

/** `y` (sampled at increasing `px` on [0, 1]) read at `points` evenly spaced x in [0, 1] by linear interpolation. */
export function resampleCurve(px: ArrayLike<number>, y: ArrayLike<number>, points = 101): Float64Array {
  if (points < 2) throw new RangeError(`resampleCurve: need at least 2 points, got ${points}`);
  return interp(linspace(0, 1, points), px, y);
}
