// Live charts of the run: train loss per batch (the epoch's running mean, as upstream's progress bar shows it),
// train and val loss per epoch, P / R / mAP per epoch, the three learning rates (warmup visible), and past runs ticked
// for comparison beside this one.
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EpochRow } from '../../core/train/results';
import { useStudio } from '../store';
import { CompareRuns } from './compare/CompareRuns';
import { ValAnalyticsPanel } from './run/ValAnalyticsPanel';

interface Series {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
}

const fmt = (v: unknown) => (typeof v === 'number' ? (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(2) : v.toFixed(4)) : String(v));

/** Memoised on its props: a step event re-draws the two per-batch charts, not the per-epoch ones. */
const Chart = memo(function Chart(props: { title: string; testId: string; data: object[]; series: Series[]; xLabel: string; empty: string; integerX?: boolean }) {
  return (
    <div className="chart" data-testid={props.testId} data-points={props.data.length}>
      <h3>{props.title}</h3>
      {props.data.length === 0 ? (
        <div className="empty">{props.empty}</div>
      ) : (
        <ResponsiveContainer width="100%" height={190}>
          <LineChart data={props.data} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDecimals={!props.integerX}
              tickFormatter={(v: number) => (props.integerX ? String(v) : v.toFixed(1))} fontSize={11}
              label={{ value: props.xLabel, position: 'insideBottomRight', offset: -2, fontSize: 11 }} />
            <YAxis fontSize={11} width={52} tickFormatter={(v: number) => (Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(0) : String(+v.toFixed(3)))} />
            <Tooltip formatter={fmt} labelFormatter={(v) => `${props.xLabel} ${typeof v === 'number' ? v.toFixed(2) : v}`} />
            <Legend wrapperStyle={{ fontSize: 11 }} itemSorter={null} />
            {props.series.map((s) => (
              <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} dot={props.data.length < 30}
                strokeDasharray={s.dashed ? '4 3' : undefined} isAnimationActive={false} strokeWidth={1.5} />
            ))}
          </LineChart>
        </ResponsiveContainer>
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

const LOSS_SERIES: Series[] = [{ key: 'box', name: 'box', color: BLUE }, { key: 'obj', name: 'obj', color: ORANGE }, { key: 'cls', name: 'cls', color: GREEN }];
const MAP_SERIES: Series[] = [
  { key: 'P', name: 'precision', color: BLUE }, { key: 'R', name: 'recall', color: ORANGE },
  { key: 'mAP50', name: 'mAP50', color: GREEN }, { key: 'mAP', name: 'mAP50-95', color: PURPLE },
];
const EPOCH_LOSS_SERIES: Series[] = [
  ...LOSS_SERIES,
  { key: 'vbox', name: 'val box', color: BLUE, dashed: true }, { key: 'vobj', name: 'val obj', color: ORANGE, dashed: true },
  { key: 'vcls', name: 'val cls', color: GREEN, dashed: true },
];
const LR_SERIES: Series[] = [
  { key: 'lr0', name: 'biases', color: BLUE }, { key: 'lr1', name: 'weights', color: ORANGE, dashed: true }, { key: 'lr2', name: 'BN weights', color: GREEN },
];
const AFTER_EPOCH = 'appears after the first epoch is validated';

export function Charts() {
  const view = useStudio((s) => s.view);
  const rowsRaw = view?.rows;
  const rows = useMemo(() => epochData(rowsRaw ?? []), [rowsRaw]);
  // A stored run has no per-batch points: its learning rates come from the epoch rows.
  const stepLr = view?.lr;
  const lr = useMemo(() => (stepLr?.length ? stepLr : rows.map((r) => ({ x: r.x, lr0: r.lr0, lr1: r.lr1, lr2: r.lr2 }))), [stepLr, rows]);
  if (!view) return null;
  const lossEmpty = view.live ? 'waiting for the first batch…' : 'per-batch points are shown while a run trains in this tab';
  return (
    <section className="panel" data-testid="panel-charts" aria-label="Charts">
      <div className="charts">
        <Chart title="Train loss (per batch)" testId="chart-loss" data={view.loss} xLabel="epochs" empty={lossEmpty} series={LOSS_SERIES} />
        <Chart title="Validation metrics (per epoch)" testId="chart-map" data={rows} xLabel="epochs" integerX empty={`P, R and mAP ${AFTER_EPOCH}`} series={MAP_SERIES} />
        <Chart title="Loss per epoch (train solid, val dashed)" testId="chart-epoch-loss" data={rows} xLabel="epochs" integerX
          empty={`Epoch losses ${AFTER_EPOCH}`} series={EPOCH_LOSS_SERIES} />
        <Chart title="Learning rate (3 parameter groups)" testId="chart-lr" data={lr} xLabel="epochs" empty="appears with the first batch" series={LR_SERIES} />
      </div>
      <CompareRuns />
      <ValAnalyticsPanel />
    </section>
  );
}
