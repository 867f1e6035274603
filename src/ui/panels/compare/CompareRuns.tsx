// Past runs beside the current one: the runs ticked in the runs list, one line each in its own colour, on one
// per-epoch metric at a time (mAP, P, R, val and train losses); the current run is the thick dark line.
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio } from '../../store';
import { COMPARE_METRICS, compareColor, compareData, CURRENT_COLOR, type CompareRun } from './compareData';

const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));

export function CompareRuns() {
  // Selected field by field: step events change the view several times a second, none of these.
  const currentId = useStudio((s) => s.view?.runId);
  const currentName = useStudio((s) => s.view?.name);
  const currentRows = useStudio((s) => s.view?.rows);
  const ids = useStudio((s) => s.compareIds);
  const stored = useStudio((s) => s.compareRows);
  const runs = useStudio((s) => s.runs);
  const [metricId, setMetricId] = useState(COMPARE_METRICS[0].id);
  const metric = COMPARE_METRICS.find((m) => m.id === metricId) ?? COMPARE_METRICS[0];

  const lines = useMemo(() => {
    const out: (CompareRun & { color: string; current: boolean })[] = [];
    if (currentId) out.push({ id: currentId, name: `${currentName ?? currentId} (current)`, rows: currentRows ?? [], color: CURRENT_COLOR, current: true });
    ids.forEach((id, i) => {
      if (id === currentId || !stored[id]) return;
      const name = runs.find((r) => r.id === id)?.name ?? id;
      out.push({ id, name, rows: stored[id], color: compareColor(i), current: false });
    });
    return out;
  }, [currentId, currentName, currentRows, ids, stored, runs]);
  const data = useMemo(() => compareData(lines, metric), [lines, metric]);

  const comparable = runs.some((r) => r.id !== currentId && r.lastEpoch >= 0);
  if (lines.length < 2) {
    return comparable ? <p className="muted small-note" data-testid="compare-hint">Tick “compare” on past runs in the runs list to draw them beside this one.</p> : null;
  }
  return (
    <div className="chart compare-chart" data-testid="chart-compare" data-series={lines.length} data-points={data.length}>
      <div className="row">
        <h3>Compare runs (per epoch)</h3>
        <label className="muted small-note" style={{ marginLeft: 'auto' }} htmlFor="compare-metric">metric</label>
        <select id="compare-metric" data-testid="compare-metric" value={metric.id} onChange={(e) => setMetricId(e.target.value)}>
          {COMPARE_METRICS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
        </select>
      </div>
      {data.length === 0 ? (
        <div className="empty">no {metric.label} values yet</div>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={data} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} fontSize={11}
              label={{ value: 'epochs', position: 'insideBottomRight', offset: -2, fontSize: 11 }} />
            <YAxis fontSize={11} width={52} tickFormatter={(v: number) => String(+v.toFixed(3))} />
            <Tooltip formatter={fmt} labelFormatter={(v) => `epoch ${v}`} />
            <Legend wrapperStyle={{ fontSize: 11 }} itemSorter={null} />
            {lines.map((l, i) => (
              <Line key={l.id} dataKey={`r${i}`} name={l.name} stroke={l.color} strokeWidth={l.current ? 3 : 1.5}
                dot={l.current || data.length < 30} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
