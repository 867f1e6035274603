// What the last validation found, below the run's charts: val.py's table, the confusion matrix, PR and F1 curves,
// and a gallery of predicted vs true boxes. Fed by the 'epoch' messages of a run training in this tab.
import { useMemo } from 'react';
import { useStudio } from '../../store';
import { ApTable } from './ApTable';
import { ConfusionMatrixGrid } from './ConfusionMatrixGrid';
import { ValCurves } from './ValCurves';
import { ValGallery } from './ValGallery';
import './run.css';

export function ValAnalyticsPanel() {
  // Selected field by field: step events (several a second) change the view but none of these.
  const a = useStudio((s) => s.view?.analytics);
  const perClass = useStudio((s) => s.view?.perClass);
  const last = useStudio((s) => s.view?.rows.at(-1));
  const names = useMemo(() => (a?.confusion ? a.confusion.names.slice(0, -1) : (perClass ?? []).map((c) => c.name)), [a, perClass]);
  if (!perClass) return null;
  if (!a) return perClass.length ? <ApTable all={null} perClass={perClass} /> : null;
  return (
    <div data-testid="val-analytics" className="val-analytics">
      <h3 className="val-title">Last validation{last ? `: epoch ${last.epoch + 1}` : ''}</h3>
      <ApTable all={a.all} perClass={perClass} />
      <div className="val-grid">
        {a.confusion && <ConfusionMatrixGrid confusion={a.confusion} />}
        {a.curves ? <ValCurves curves={a.curves} /> : (
          <p className="muted" data-testid="curves-empty">No curves: this validation had no predictions.</p>
        )}
      </div>
      {a.gallery && a.gallery.images.length > 0 && <ValGallery gallery={a.gallery} names={names} epoch={last?.epoch ?? 0} />}
    </div>
  );
}
