// Fixed axes for the run's recharts charts: round tick values and domains computed here, handed to recharts as
// `domain` + `ticks`. Left to itself recharts derives both from the data on every render and measures each new tick
// label in the DOM (getBoundingClientRect) to thin them out; with the ticks given and `interval={0}` it measures
// nothing, and a live chart's ticks change only when the data crosses a round value.

/** One row of chart data: `x` and a value per series key. */
export interface ChartRow {
  readonly x: number;
}

/** An axis as recharts takes it: the value range and the tick values drawn. */
export interface AxisSpec {
  domain: [number, number];
  ticks: number[];
}

/** Tick step of about span / count, rounded to 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * pow;
}

/** Removes float noise from k * step (0.30000000000000004 → 0.3). */
const clean = (v: number) => +v.toPrecision(12);

/** Round tick values inside [lo, hi], about `count` of them (at least the ends when nothing round falls inside). */
export function ticksWithin(lo: number, hi: number, count: number, integer = false): number[] {
  if (!(hi > lo)) return [lo];
  let step = niceStep(hi - lo, count);
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(clean(k * step));
  return out.length >= 2 ? out : [lo, hi];
}

/**
 * A value axis from 0 (or the data's minimum when negative) to a round value at or above the data's maximum, with
 * round ticks at both ends: what recharts draws by default for a number Y axis.
 */
export function niceDomain(values: Iterable<number>, count = 4): AxisSpec {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) hi = lo + 1;
  const step = niceStep(hi - lo, count);
  const a = Math.floor(lo / step + 1e-9);
  const b = Math.ceil(hi / step - 1e-9);
  const ticks = Array.from({ length: b - a + 1 }, (_, i) => clean((a + i) * step));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** The data's x range; a single x gets room either side (one epoch → 0 to 2 on an integer axis). */
export function xExtent(rows: readonly ChartRow[], integer: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    if (r.x < lo) lo = r.x;
    if (r.x > hi) hi = r.x;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi > lo) return [lo, hi];
  const pad = integer ? 1 : 0.5;
  return [lo - pad, hi + pad];
}

/** An x axis over [lo, hi] with about `count` round ticks. */
export function xAxis(lo: number, hi: number, integer: boolean, count = 6): AxisSpec {
  return { domain: [lo, hi], ticks: ticksWithin(lo, hi, count, integer) };
}

/** A y axis over every value of `keys` in `rows` (non-numbers skipped). */
export function yAxisOf(rows: readonly ChartRow[], keys: readonly string[], count = 4): AxisSpec {
  const values: number[] = [];
  for (const r of rows) {
    const rec = r as unknown as Record<string, unknown>;
    for (const k of keys) {
      const v = rec[k];
      if (typeof v === 'number') values.push(v);
    }
  }
  return niceDomain(values, count);
}

/** The plot area recharts lays the chart out in (pixels), as its grid generators receive it. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Pixel positions of the vertical grid lines (at the x ticks). Given to CartesianGrid: its default asks the axis for
 * ticks and measures their labels, and while the chart mounts (before the axes register) it does so for every x of
 * the data on an implicit category axis: 70 ms for a 101-point curve.
 */
export function gridXs(axis: AxisSpec, area: PlotArea): number[] {
  const [d0, d1] = axis.domain;
  if (!(d1 > d0)) return [];
  return axis.ticks.map((t) => area.left + ((t - d0) / (d1 - d0)) * area.width);
}

/** Pixel positions of the horizontal grid lines (at the y ticks; y grows downwards). */
export function gridYs(axis: AxisSpec, area: PlotArea): number[] {
  const [d0, d1] = axis.domain;
  if (!(d1 > d0)) return [];
  return axis.ticks.map((t) => area.top + ((d1 - t) / (d1 - d0)) * area.height);
}
