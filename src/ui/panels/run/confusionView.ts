// Upstream's confusion_matrix.png as cells of a grid: rows predicted, columns true, the last of each background.
// Normalized display divides each column by its sum (the share of a true class's labels that went to each row,
// upstream's `matrix / matrix.sum(0)`) and leaves cells under 0.005 blank, as upstream's heat map does.

export interface ConfusionCell {
  count: number;
  /** Normalized share, or the count; null = blank (upstream's NaN below 0.005). */
  value: number | null;
  /** What the cell shows. */
  text: string;
  /** Colour intensity in [0, 1] (value over the largest value, seaborn's vmin 0 / vmax max). */
  intensity: number;
}

export interface ConfusionGrid {
  names: string[];
  /** rows[predicted][true] */
  rows: ConfusionCell[][];
  /** Labels per true class (column sums), background column = predictions with no label. */
  columnTotals: number[];
}

export function confusionGrid(names: readonly string[], matrix: readonly number[], normalize: boolean): ConfusionGrid {
  const k = names.length;
  if (matrix.length !== k * k) throw new RangeError(`confusion matrix has ${matrix.length} cells for ${k} names`);
  const columnTotals = Array.from({ length: k }, (_, t) => {
    let s = 0;
    for (let p = 0; p < k; p++) s += matrix[p * k + t];
    return s;
  });
  const values = matrix.map((c, i) => {
    const v = normalize ? c / (columnTotals[i % k] + 1e-9) : c;
    return v < 0.005 ? null : v;
  });
  const vmax = Math.max(0, ...values.map((v) => v ?? 0));
  const rows = Array.from({ length: k }, (_, p) =>
    Array.from({ length: k }, (_, t) => {
      const value = values[p * k + t];
      return {
        count: matrix[p * k + t],
        value,
        text: value === null ? '' : normalize ? value.toFixed(2) : String(value),
        intensity: value === null || vmax === 0 ? 0 : value / vmax,
      };
    }),
  );
  return { names: [...names], rows, columnTotals };
}

/** Fill of a cell: matplotlib's 'Blues' end colour at the cell's intensity over white (blank cells white). */
export function cellFill(intensity: number): string {
  if (intensity <= 0) return '#fff';
  return `rgba(8, 48, 107, ${(0.08 + 0.87 * Math.min(1, intensity)).toFixed(3)})`;
}

/** Dark cells get white text. */
export function cellInk(intensity: number): string {
  return intensity > 0.5 ? '#fff' : '#1f2937';
}
