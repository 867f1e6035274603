// The stored verification report of a dataset: upstream's per-split scanning counts, what blocks training, and every
// file that was dropped or fixed with the reason. Unlike the import notice, it is read from storage, so it is still
// there after a reload.
import { useMemo, useState } from 'react';
import { problemsWith, readReport, type Action } from './reportView';

const STEP = 100;
const LABELS: Record<Action, string> = { dropped: 'left out', fixed: 'fixed', warning: 'worth a look' };

export function ReportView({ report }: { report: unknown }) {
  const r = useMemo(() => readReport(report), [report]);
  const [actions, setActions] = useState<ReadonlySet<Action>>(new Set<Action>(['dropped', 'fixed', 'warning']));
  const [limit, setLimit] = useState(STEP);
  const shown = useMemo(() => problemsWith(r.problems, actions), [r.problems, actions]);
  const toggle = (a: Action) => {
    const next = new Set(actions);
    if (next.has(a)) next.delete(a);
    else next.add(a);
    setActions(next);
  };
  return (
    <div data-testid="dataset-report" data-dropped={r.counts.dropped} data-fixed={r.counts.fixed}>
      {r.generated && <p className="muted">Generated in this browser, so every image and label is valid by construction.</p>}
      {r.blockers.length > 0 && (
        <div className="notice error">{r.blockers.map((b) => <div key={b}>Cannot train: {b}</div>)}</div>
      )}
      {r.notes.map((n) => <p key={n} className="muted">{n}</p>)}
      {r.splits.length > 0 && (
        <table className="metrics compact">
          <thead>
            <tr>
              <th>Split</th><th title="images kept">Images</th><th>Boxes</th><th title="label files found">Labels</th>
              <th title="images without a label file">missing</th><th title="empty label files">empty</th><th title="images left out">corrupt</th>
            </tr>
          </thead>
          <tbody>
            {r.splits.map((s) => (
              <tr key={s.split}>
                <td>{s.split}</td><td>{s.images}</td><td>{s.instances}</td><td>{s.found}</td><td>{s.missing}</td><td>{s.empty}</td><td>{s.corrupt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.problems.length === 0 ? (
        !r.generated && <p className="ok">Every file passed the checks: nothing dropped or fixed.</p>
      ) : (
        <>
          <div className="row">
            {(['dropped', 'fixed', 'warning'] as const).map((a) => (
              <label key={a}>
                <input type="checkbox" checked={actions.has(a)} onChange={() => toggle(a)} disabled={!r.counts[a]} /> {r.counts[a]} {LABELS[a]}
              </label>
            ))}
          </div>
          <ul className="problems" data-testid="report-problems">
            {shown.slice(0, limit).map((p, i) => (
              <li key={i} className={p.action}>
                <b>{p.action}</b>{p.split ? ` (${p.split})` : ''} <span className="file">{p.file}{p.line ? `:${p.line}` : ''}</span>: {p.message}
                <small> [{p.code}]</small>
              </li>
            ))}
          </ul>
          {shown.length > limit && <button className="link" onClick={() => setLimit(limit + STEP)}>show {Math.min(STEP, shown.length - limit)} more of {shown.length - limit}</button>}
        </>
      )}
    </div>
  );
}
