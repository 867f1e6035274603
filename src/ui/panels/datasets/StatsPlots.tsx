// Upstream's labels.jpg, interactive: instances per class (click a bar to show that class's images), and heat maps
// of box centres and box sizes. Everything comes from the stored stats of the chosen split (statsView.ts).
import { memo, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { classBars, type ClassBar, type SplitStats } from './statsView';
import { Heatmap } from './Heatmap';

const ROW = 15;

function BarTip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: ClassBar }> }) {
  const c = payload?.[0]?.payload;
  if (!active || !c) return null;
  return (
    <div className="tip">
      <b>{c.name}</b> (class {c.id})<br />
      {c.instances} boxes in {c.images} images
    </div>
  );
}

export const StatsPlots = memo(function StatsPlots(props: { stats: SplitStats; classFilter: number | null; onPickClass: (cls: number | null) => void }) {
  const { stats, classFilter, onPickClass } = props;
  const [order, setOrder] = useState<'class' | 'count'>('count');
  const [hideEmpty, setHideEmpty] = useState(false);
  const bars = useMemo(() => classBars(stats.perClass, order, hideEmpty), [stats.perClass, order, hideEmpty]);
  const present = stats.perClass.filter((c) => c.instances > 0).length;
  return (
    <div data-testid="label-stats">
      <p className="num">
        {stats.images} images, {stats.instances} boxes, {stats.backgrounds} without labels; {present} of {stats.perClass.length} classes have boxes.
      </p>
      <div className="row spread">
        <h3>Instances per class</h3>
        <div className="row">
          <label><input type="checkbox" checked={order === 'count'} onChange={(e) => setOrder(e.target.checked ? 'count' : 'class')} /> most first</label>
          <label><input type="checkbox" checked={hideEmpty} onChange={(e) => setHideEmpty(e.target.checked)} /> hide empty</label>
        </div>
      </div>
      <div className="class-bars" data-testid="class-bars" data-bars={bars.length} data-present={present}>
        <ResponsiveContainer width="100%" height={bars.length * ROW + 36}>
          <BarChart data={bars} layout="vertical" margin={{ top: 2, right: 16, bottom: 2, left: 0 }} barCategoryGap={2}>
            <CartesianGrid stroke="#eee" horizontal={false} />
            <XAxis type="number" fontSize={11} allowDecimals={false} orientation="top" />
            <YAxis type="category" dataKey="name" width={96} interval={0} fontSize={11} tickLine={false} />
            <Tooltip content={<BarTip />} cursor={{ fill: '#eef2ff' }} />
            <Bar dataKey="instances" isAnimationActive={false} cursor="pointer"
              onClick={(_, i) => {
                const c = bars[i];
                if (c) onPickClass(classFilter === c.id ? null : c.id);
              }}>
              {bars.map((c) => (
                <Cell key={c.id} fill={c.color} fillOpacity={classFilter === null || classFilter === c.id ? 1 : 0.3} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <small>Click a bar to browse the images with that class.</small>
      <div className="heatmaps">
        <Heatmap title="Box centres" hist={stats.xy} bins={stats.bins} xName="x" yName="y" testId="heat-xy" />
        <Heatmap title="Box width / height" hist={stats.wh} bins={stats.bins} xName="width" yName="height" testId="heat-wh" yUp />
      </div>
    </div>
  );
});
