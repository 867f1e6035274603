// Live charts of the run: train loss per batch (the epoch's running mean, as upstream's progress bar shows it),
// train and val loss per epoch, P / R / mAP per epoch, the three learning rates (warmup visible), and past runs ticked
// for comparison beside this one. Drawn with recharts (LinePlot.tsx); each chart's data reaches it staged
// (useStaged.ts): one chart per task, the per-batch ones at most once a second and at most MAX_DRAWN points each.
import { memo, useMemo } from 'react';
import type { EpochRow } from '../../core/train/results';
import { useStudio } from '../store';
import { downsampleRows } from './chart/downsample';
import { LinePlot, type PlotSeries } from './chart/LinePlot';
import { xAxis, xExtent, yAxisOf, type ChartRow } from './chart/scale';
import { useBoxWidth } from './chart/useBoxWidth';
import { useStaged } from './chart/useStaged';
import { CompareRuns } from './compare/CompareRuns';
import { ValAnalyticsPanel } from './run/ValAnalyticsPanel';

/** Points a per-batch chart draws at most (the store keeps up to 600 per series); per-epoch charts draw every epoch. */
const MAX_DRAWN = 200;
/** A live per-batch chart redraws at most this often; the progress bar above it shows every step. */
const LIVE_REDRAW_MS = 1000;

const fmtValue = (v: unknown) => (typeof v === 'number' ? (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(2) : v.toFixed(4)) : String(v));
const fmtY = (v: number) => (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(0) : String(+v.toFixed(3)));
const fmtX = (v: number) => String(+v.toFixed(2));
const fmtEpochLabel = (v: unknown) => `epochs ${typeof v === 'number' ? v.toFixed(2) : v}`;

interface ChartProps {
  title: string;
  testId: string;
  data: readonly ChartRow[];
  series: PlotSeries[];
  empty: string;
  /** Per-epoch chart: integer epoch ticks, dots on short series. */
  integerX?: boolean;
  /** Per-batch chart of a run training now: redrawn at most every LIVE_REDRAW_MS. */
  throttle?: boolean;
}

/** Memoised on its props: a step event re-draws the two per-batch charts, not the per-epoch ones. */
const Chart = memo(function Chart({ title, testId, data, series, empty, integerX = false, throttle = false }: ChartProps) {
  const shown = useStaged(data, throttle ? LIVE_REDRAW_MS : 0) ?? data;
  const keys = useMemo(() => series.map((s) => s.key), [series]);
  const drawn = useMemo(() => (integerX ? shown : downsampleRows(shown, keys, MAX_DRAWN)), [shown, keys, integerX]);
  const x = useMemo(() => xAxis(...xExtent(drawn, integerX), integerX), [drawn, integerX]);
  const y = useMemo(() => yAxisOf(drawn, keys), [drawn, keys]);
  // The box's width, for the plot's first render (read from a ref kept by a ResizeObserver, not from the DOM).
  const [box, width] = useBoxWidth();
  return (
    <div className="chart" ref={box} data-testid={testId} data-points={shown.length} data-drawn={drawn.length}>
      <h3>{title}</h3>
      {shown.length === 0 ? (
        <div className="empty">{empty}</div>
      ) : (
        <LinePlot data={drawn} series={series} x={x} y={y} height={172} initialWidth={width.current} xLabel="epochs" yWidth={52}
          dots={integerX && drawn.length < 30} formatX={integerX ? String : fmtX} formatY={fmtY} formatValue={fmtValue}
          formatLabel={fmtEpochLabel} />
      )}
    </div>
  );
});

const BLUE = '#2563eb';
const ORANGE = '#ea580c';
const GREEN = '#16a34a';
const PURPLE = '#9333ea';

function epochData(rows: EpochRow[]) {
  // x counts epochs trained (epoch 0 ends at 1), the same axis as the per-batch chart.
  return rows.map((r) => ({
    x: r.epoch + 1, box: r.train[0], obj: r.train[1], cls: r.train[2], vbox: r.val[0], vobj: r.val[1], vcls: r.val[2],
    P: r.metrics[0], R: r.metrics[1], mAP50: r.metrics[2], mAP: r.metrics[3], lr0: r.lr[0], lr1: r.lr[1], lr2: r.lr[2],
  }));
}

const LOSS_SERIES: PlotSeries[] = [{ key: 'box', name: 'box', color: BLUE }, { key: 'obj', name: 'obj', color: ORANGE }, { key: 'cls', name: 'cls', color: GREEN }];
const MAP_SERIES: PlotSeries[] = [
  { key: 'P', name: 'precision', color: BLUE }, { key: 'R', name: 'recall', color: ORANGE },
  { key: 'mAP50', name: 'mAP50', color: GREEN }, { key: 'mAP', name: 'mAP50-95', color: PURPLE },
];
const EPOCH_LOSS_SERIES: PlotSeries[] = [
  ...LOSS_SERIES,
  { key: 'vbox', name: 'val box', color: BLUE, dashed: true }, { key: 'vobj', name: 'val obj', color: ORANGE, dashed: true },
  { key: 'vcls', name: 'val cls', color: GREEN, dashed: true },
];
const LR_SERIES: PlotSeries[] = [
  { key: 'lr0', name: 'biases', color: BLUE }, { key: 'lr1', name: 'weights', color: ORANGE, dashed: true }, { key: 'lr2', name: 'BN weights', color: GREEN },
];
const AFTER_EPOCH = 'appears after the first epoch is validated';

/** The four run charts; selected field by field so a step re-renders these, not the analytics and compare below. */
function RunCharts() {
  const live = useStudio((s) => s.view?.live ?? false);
  const loss = useStudio((s) => s.view?.loss);
  const rowsRaw = useStudio((s) => s.view?.rows);
  const stepLr = useStudio((s) => s.view?.lr);
  const rows = useMemo(() => epochData(rowsRaw ?? []), [rowsRaw]);
  // A stored run has no per-batch points: its learning rates come from the epoch rows.
  const lr = useMemo(() => (stepLr?.length ? stepLr : rows.map((r) => ({ x: r.x, lr0: r.lr0, lr1: r.lr1, lr2: r.lr2 }))), [stepLr, rows]);
  const lossEmpty = live ? 'waiting for the first batch…' : 'per-batch points are shown while a run trains in this tab';
  return (
    <div className="charts">
      <Chart title="Train loss (per batch)" testId="chart-loss" data={loss ?? NO_POINTS} throttle={live} empty={lossEmpty} series={LOSS_SERIES} />
      <Chart title="Validation metrics (per epoch)" testId="chart-map" data={rows} integerX empty={`P, R and mAP ${AFTER_EPOCH}`} series={MAP_SERIES} />
      <Chart title="Loss per epoch (train solid, val dashed)" testId="chart-epoch-loss" data={rows} integerX
        empty={`Epoch losses ${AFTER_EPOCH}`} series={EPOCH_LOSS_SERIES} />
      <Chart title="Learning rate (3 parameter groups)" testId="chart-lr" data={lr} throttle={live} integerX={!stepLr?.length}
        empty="appears with the first batch" series={LR_SERIES} />
    </div>
  );
}

const NO_POINTS: ChartRow[] = [];

export function Charts() {
  const shown = useStudio((s) => s.view !== null);
  if (!shown) return null;
  return (
    <section className="panel" data-testid="panel-charts" aria-label="Charts">
      <RunCharts />
      <CompareRuns />
      <ValAnalyticsPanel />
    </section>
  );
}
