// PR curve and a metric-confidence curve (F1, P or R) of the last validation, as upstream's PR_curve.png and
// F1_curve.png: a thin line per class and a thick "all classes" line, legends as upstream writes them. Each curve
// reaches its chart staged (chart/useStaged.ts), in a task of its own after the validation's other results.
import { memo, useMemo, useState } from 'react';
import type { CurveChart, CurveCharts } from '../../../protocol/valAnalytics';
import { LinePlot } from '../chart/LinePlot';
import type { AxisSpec } from '../chart/scale';
import { useBoxWidth } from '../chart/useBoxWidth';
import { useStaged } from '../chart/useStaged';
import { classColor } from '../datasets/palette';
import { curveRows } from './curveData';

const MEAN_COLOR = '#1d4ed8';
const HEIGHT = 210;
const UNIT_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const UNIT: AxisSpec = { domain: [0, 1], ticks: UNIT_TICKS };
const f3 = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v));

const CurvePlot = memo(function CurvePlot(props: { title: string; testId: string; chart: CurveChart; xLabel: string; yLabel: string }) {
  const chart = useStaged(props.chart, 0, true);
  const { rows, series } = useMemo(() => (chart ? curveRows(chart) : { rows: [], series: [] }), [chart]);
  const lines = useMemo(() => series.map((s) => ({
    key: s.key, name: s.label, color: s.mean ? MEAN_COLOR : classColor(s.cls), width: s.mean ? 3 : 1.2,
  })), [series]);
  const { xLabel } = props;
  const formatLabel = useMemo(() => (v: unknown) => `${xLabel} ${typeof v === 'number' ? v.toFixed(2) : v}`, [xLabel]);
  const [box, width] = useBoxWidth();
  return (
    <div className="chart" ref={box} data-testid={props.testId} data-points={chart ? rows.length : undefined}
      data-lines={chart ? series.length : undefined}>
      <h3>{props.title}</h3>
      {!chart ? (
        <div style={{ height: HEIGHT + 20 }} /> // the plot and its legend, until the curve's turn to render
      ) : rows.length === 0 ? (
        <div className="empty">no curve: no class had predictions</div>
      ) : (
        <LinePlot data={rows} series={lines} x={UNIT} y={UNIT} height={HEIGHT} initialWidth={width.current} xLabel={xLabel}
          yLabel={props.yLabel} yWidth={36} dots={false} formatX={String} formatY={String} formatValue={f3} formatLabel={formatLabel} />
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
