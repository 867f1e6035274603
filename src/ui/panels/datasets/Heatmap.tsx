// A 2-D histogram over [0, 1] x [0, 1] (box centres or sizes) as an SVG heat map, y down like image coordinates for
// centres, y up for sizes (as upstream's labels.jpg draws them), with the hovered cell's range and count read out underneath. recharts has no heat map; this is ~50 x 50 rects.
import { memo, useMemo, useState } from 'react';
import { heatCells, type HeatCell } from './statsView';
import { heatColor } from './palette';

const TICKS = [0, 0.25, 0.5, 0.75, 1];

export const Heatmap = memo(function Heatmap(props: { title: string; hist: readonly number[]; bins: number; xName: string; yName: string; testId: string; yUp?: boolean }) {
  const { cells, max, total } = useMemo(() => heatCells(props.hist, props.bins), [props.hist, props.bins]);
  const [hover, setHover] = useState<HeatCell | null>(null);
  // Rows are stored y-down; with yUp the row j is drawn at the top of 1 - y.
  const top = (c: HeatCell) => (props.yUp ? 1 - c.y0 - c.size : c.y0);
  const range = (a: number, s: number) => `${a.toFixed(2)}–${(a + s).toFixed(2)}`;
  return (
    <figure className="heatmap" data-testid={props.testId} data-cells={cells.length} data-total={total}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox="-0.14 -0.1 1.2 1.26" role="img" aria-label={`${props.title}: ${total} boxes`} onMouseLeave={() => setHover(null)}>
        <rect x={0} y={0} width={1} height={1} fill="#f9fafb" stroke="#d1d5db" strokeWidth={0.004} />
        {cells.map((c) => (
          <rect key={c.j * props.bins + c.i} x={c.x0} y={top(c)} width={c.size} height={c.size} fill={heatColor(c.count, max)}
            onMouseEnter={() => setHover(c)} />
        ))}
        {hover && <rect x={hover.x0} y={top(hover)} width={hover.size} height={hover.size} fill="none" stroke="#111827" strokeWidth={0.006} pointerEvents="none" />}
        {TICKS.map((t) => (
          <g key={t} fontSize={0.045} fill="#6b7280">
            <text x={t} y={1.055} textAnchor="middle">{t}</text>
            <text x={-0.02} y={(props.yUp ? 1 - t : t) + 0.015} textAnchor="end">{t}</text>
          </g>
        ))}
        <text x={1} y={1.13} fontSize={0.05} textAnchor="end" fill="#374151">{props.xName} →</text>
        <text x={0} y={-0.03} fontSize={0.05} fill="#374151">{props.yName} {props.yUp ? '↑' : '↓'}</text>
      </svg>
      <div className="readout num">
        {hover
          ? `${props.xName} ${range(hover.x0, hover.size)}, ${props.yName} ${range(hover.y0, hover.size)}: ${hover.count} box${hover.count === 1 ? '' : 'es'}`
          : `${total} boxes; darker = more (fullest cell ${max})`}
      </div>
    </figure>
  );
});
