// PR curve and a metric-confidence curve (F1, P or R) of the last validation, as upstream's PR_curve.png and
// F1_curve.png: a thin line per class and a thick "all classes" line, legends as upstream writes them.
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CurveChart, CurveCharts } from '../../../protocol/valAnalytics';
import { classColor } from '../datasets/palette';
import { curveRows } from './curveData';

const MEAN_COLOR = '#1d4ed8';

const CurvePlot = memo(function CurvePlot(props: { title: string; testId: string; chart: CurveChart; xLabel: string; yLabel: string }) {
  const { rows, series } = useMemo(() => curveRows(props.chart), [props.chart]);
  return (
    <div className="chart" data-testid={props.testId} data-points={rows.length} data-lines={series.length}>
      <h3>{props.title}</h3>
      {rows.length === 0 ? (
        <div className="empty">no curve: no class had predictions</div>
      ) : (
        <ResponsiveContainer width="100%" height={230}>
          <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="x" type="number" domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} fontSize={11}
              label={{ value: props.xLabel, position: 'insideBottomRight', offset: -2, fontSize: 11 }} />
            <YAxis domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} fontSize={11} width={36}
              label={{ value: props.yLabel, angle: -90, position: 'insideLeft', fontSize: 11 }} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))}
              labelFormatter={(v) => `${props.xLabel} ${typeof v === 'number' ? v.toFixed(2) : v}`} />
            <Legend wrapperStyle={{ fontSize: 11, paddingTop: 10 }} itemSorter={null} />
            {series.map((s) => (
              <Line key={s.key} dataKey={s.key} name={s.label} dot={false} isAnimationActive={false}
                stroke={s.mean ? MEAN_COLOR : classColor(s.cls)} strokeWidth={s.mean ? 3 : 1.2} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
});

const METRICS = { f1: 'F1', p: 'Precision', r: 'Recall' } as const;

export function ValCurves({ curves }: { curves: CurveCharts }) {
  const [metric, setMetric] = useState<keyof typeof METRICS>('f1');
  const fewLines = curves.f1.lines.length === 0 && curves.f1.mean !== null;
  return (
    <div className="run-block">
      <div className="charts">
        <CurvePlot title="Precision-recall curve (IoU 0.5)" testId="curve-pr" chart={curves.pr} xLabel="recall" yLabel="precision" />
        <div>
          <div className="tabs" role="tablist">
            {(Object.keys(METRICS) as (keyof typeof METRICS)[]).map((m) => (
              <button key={m} role="tab" aria-selected={metric === m} className={metric === m ? 'active' : ''} onClick={() => setMetric(m)}>
                {METRICS[m]}
              </button>
            ))}
          </div>
          <CurvePlot title={`${METRICS[metric]}-confidence curve`} testId={`curve-${metric}`} chart={curves[metric]}
            xLabel="confidence" yLabel={METRICS[metric]} />
        </div>
      </div>
      {fewLines && <p className="muted small-note">More than 20 classes: only the all-classes lines are drawn.</p>}
    </div>
  );
}
