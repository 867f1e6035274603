// val.py's table after the last validation: the 'all' row and one row per class present in the labels.
import type { ClassMetrics } from '../../../protocol/messages';
import type { ValAnalytics } from '../../../protocol/valAnalytics';

const f3 = (v: number) => v.toFixed(3);

export function ApTable({ all, perClass }: { all: ValAnalytics['all'] | null; perClass: ClassMetrics[] }) {
  if (!all && !perClass.length) return null;
  return (
    <div data-testid="per-class" className="run-block">
      <h3>Average precision per class</h3>
      <table className="metrics">
        <thead>
          <tr><th>Class</th><th>Images</th><th>Instances</th><th>P</th><th>R</th><th>mAP50</th><th>mAP50-95</th></tr>
        </thead>
        <tbody>
          {all && (
            <tr className="all-row">
              <td>all</td><td>{all.images}</td><td>{all.instances}</td><td>{f3(all.P)}</td><td>{f3(all.R)}</td>
              <td>{f3(all.mAP50)}</td><td>{f3(all.mAP50_95)}</td>
            </tr>
          )}
          {perClass.map((c) => (
            <tr key={c.name} data-testid="per-class-row">
              <td>{c.name}</td><td>{c.images}</td><td>{c.instances}</td><td>{f3(c.P)}</td><td>{f3(c.R)}</td>
              <td>{f3(c.mAP50)}</td><td>{f3(c.mAP50_95)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {all && !perClass.length && all.instances > 0 && (
        <p className="muted small-note">
          No prediction matched a label yet, so every metric is 0; per-class rows appear once one does (as upstream, which
          computes them only then).
        </p>
      )}
    </div>
  );
}
