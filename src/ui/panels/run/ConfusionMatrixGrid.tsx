// Upstream's confusion matrix as a grid: rows predicted, columns true, background last; cell colour by share.
import { useMemo, useState } from 'react';
import type { ValAnalytics } from '../../../protocol/valAnalytics';
import { cellFill, cellInk, confusionGrid } from './confusionView';

export function ConfusionMatrixGrid({ confusion }: { confusion: NonNullable<ValAnalytics['confusion']> }) {
  const [normalize, setNormalize] = useState(true);
  const grid = useMemo(() => confusionGrid(confusion.names, confusion.matrix, normalize), [confusion, normalize]);
  const k = grid.names.length;
  return (
    <div data-testid="confusion-matrix" className="run-block" data-classes={k - 1}>
      <div className="row">
        <h3>Confusion matrix</h3>
        <label className="muted small-note" style={{ marginLeft: 'auto' }}>
          <input type="checkbox" checked={normalize} onChange={(e) => setNormalize(e.target.checked)} /> normalized per true class
        </label>
      </div>
      <div className="cm-wrap">
        <div className="cm-axis-y">Predicted</div>
        <div>
          <div className="cm" style={{ gridTemplateColumns: `auto repeat(${k}, minmax(2.4rem, 1fr))` }} role="table">
            <div />
            {grid.names.map((n) => <div key={`h-${n}`} className="cm-head" title={n}>{n}</div>)}
            {grid.rows.map((row, p) => [
              <div key={`r-${grid.names[p]}`} className="cm-head cm-row-head" title={grid.names[p]}>{grid.names[p]}</div>,
              ...row.map((c, t) => (
                <div key={`${p}-${t}`} className="cm-cell" data-count={c.count}
                  style={{ background: cellFill(c.intensity), color: cellInk(c.intensity) }}
                  title={`predicted ${grid.names[p]}, true ${grid.names[t]}: ${c.count}${t < k - 1 ? ` of ${grid.columnTotals[t]} labels` : ''}`}>
                  {c.text}
                </div>
              )),
            ])}
          </div>
          <div className="cm-axis-x">True</div>
        </div>
      </div>
      <p className="muted small-note">
        Detections above confidence 0.25 matched one-to-one to labels at IoU &gt; 0.45. The background row holds missed
        labels; the background column holds detections on no label.
      </p>
    </div>
  );
}
