// A CurveChart (101 points per line) as recharts rows and series: x from 0 to 1, one column per class line and one
// for the thick "all classes" line, each named by upstream's legend text.
import type { CurveChart } from '../../../protocol/valAnalytics';

export interface CurveSeries {
  key: string;
  label: string;
  /** Class index (for its colour), -1 for the mean line. */
  cls: number;
  mean: boolean;
}

export interface CurveRows {
  rows: ({ x: number } & Record<string, number>)[];
  series: CurveSeries[];
}

export function curveRows(chart: CurveChart): CurveRows {
  const lines = [...chart.lines.map((l, i) => ({ key: `c${i}`, line: l, mean: false }))];
  if (chart.mean) lines.push({ key: 'mean', line: chart.mean, mean: true });
  if (!lines.length) return { rows: [], series: [] };
  const n = lines[0].line.y.length;
  const rows = Array.from({ length: n }, (_, i) => {
    const row: { x: number } & Record<string, number> = { x: i / (n - 1) };
    for (const { key, line } of lines) row[key] = line.y[i];
    return row;
  });
  return { rows, series: lines.map(({ key, line, mean }) => ({ key, label: line.label, cls: line.cls, mean })) };
}
