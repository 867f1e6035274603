// The recharts line chart every run chart draws with, set up to re-render cheaply:
// - axes with their domain and ticks given (scale.ts) and interval 0, and grid lines placed from the same ticks, so
//   recharts neither derives ticks nor measures tick labels in the DOM;
// - mounted without data and given its data in the next staged task: recharts' first render runs on implicit axes
//   before the real ones register, and with data that first render is the most expensive one;
// - the Tooltip mounted at the first pointer over the chart (until then nothing computes tooltip payloads on every
//   data change) and the legend drawn as plain HTML below the chart;
// - the chart's children memoised apart from the data, so a data change re-renders only what reads the data;
// - no animation; dots only where the caller asks (short per-epoch series).
// Memoised: callers pass stable props.
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { gridXs, gridYs, type AxisSpec, type ChartRow, type PlotArea } from './scale';
import { useStaged } from './useStaged';
import './chart.css';

export interface PlotSeries {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
  width?: number;
}

export interface LinePlotProps {
  data: readonly ChartRow[];
  series: readonly PlotSeries[];
  x: AxisSpec;
  y: AxisSpec;
  height: number;
  /** The box's width when the chart mounts (useBoxWidth.ts); 0 when not known yet. */
  initialWidth: number;
  xLabel: string;
  yLabel?: string;
  yWidth: number;
  dots: boolean;
  formatX: (v: number) => string;
  formatY: (v: number) => string;
  formatValue: (v: unknown) => string;
  formatLabel: (v: unknown) => string;
}

const MARGIN = { top: 4, right: 12, bottom: 4, left: 0 };
const AXIS_FONT = 11;
const NO_ROWS: ChartRow[] = [];

/** Props equal but for initialWidth, which only a mount reads. */
function sameProps(a: LinePlotProps, b: LinePlotProps): boolean {
  const keys = Object.keys(a) as (keyof LinePlotProps)[];
  return keys.length === Object.keys(b).length && keys.every((k) => k === 'initialWidth' || Object.is(a[k], b[k]));
}

const PlotLegend = memo(function PlotLegend({ series }: { series: readonly PlotSeries[] }) {
  return (
    <ul className="plot-legend">
      {series.map((s) => (
        <li key={s.key} style={{ color: s.color }}>
          <svg width="14" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="14" y2="4" stroke={s.color} strokeWidth={Math.min(3, s.width ?? 1.5)} strokeDasharray={s.dashed ? '4 3' : undefined} />
          </svg>
          {s.name}
        </li>
      ))}
    </ul>
  );
});

export const LinePlot = memo(function LinePlot(p: LinePlotProps) {
  const withData = useStaged(true, 0, true) ?? false;
  const [hovered, setHovered] = useState(false);
  const { x, y, series, dots, xLabel, yLabel, yWidth, formatX, formatY, formatValue, formatLabel } = p;
  // The chart's children as the same elements from one data change to the next: React skips them when only `data`
  // changes, and recharts re-renders what reads the data from its store (a third less work per update).
  const children = useMemo(() => {
    const grid = {
      xs: ({ offset }: { offset: PlotArea }) => gridXs(x, offset),
      ys: ({ offset }: { offset: PlotArea }) => gridYs(y, offset),
    };
    return [
      <CartesianGrid key="grid" stroke="#eee" verticalCoordinatesGenerator={grid.xs} horizontalCoordinatesGenerator={grid.ys} />,
      <XAxis key="x" dataKey="x" type="number" domain={x.domain} ticks={x.ticks} interval={0} allowDataOverflow
        tickFormatter={formatX} fontSize={AXIS_FONT}
        label={{ value: xLabel, position: 'insideBottomRight', offset: -2, fontSize: AXIS_FONT }} />,
      <YAxis key="y" type="number" domain={y.domain} ticks={y.ticks} interval={0} allowDataOverflow width={yWidth}
        tickFormatter={formatY} fontSize={AXIS_FONT}
        label={yLabel ? { value: yLabel, angle: -90, position: 'insideLeft', fontSize: AXIS_FONT } : undefined} />,
      hovered && <Tooltip key="tooltip" formatter={formatValue} labelFormatter={formatLabel} isAnimationActive={false} />,
      ...series.map((s) => (
        <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={s.width ?? 1.5}
          strokeDasharray={s.dashed ? '4 3' : undefined} dot={dots} isAnimationActive={false} />
      )),
    ];
  }, [x, y, series, dots, xLabel, yLabel, yWidth, formatX, formatY, formatValue, formatLabel, hovered]);
  // Read at mount only (ResponsiveContainer keeps it as initial state), so a width change alone re-renders nothing here.
  const initial = p.initialWidth > 0 ? { width: p.initialWidth, height: p.height } : undefined;
  return (
    <div onPointerEnter={hovered ? undefined : () => setHovered(true)}>
      <ResponsiveContainer width="100%" height={p.height} initialDimension={initial}>
        <LineChart data={(withData ? p.data : NO_ROWS) as ChartRow[]} margin={MARGIN}>
          {children}
        </LineChart>
      </ResponsiveContainer>
      <PlotLegend series={series} />
    </div>
  );
}, sameProps);
