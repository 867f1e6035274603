// Past runs kept in this browser: open one to see its charts and files, tick some to compare them on the charts,
// resume one a reload or crash interrupted, see what each takes in storage and delete (or prune the checkpoints of)
// what is no longer needed; and bring in a run trained by upstream YOLOv5 elsewhere.
import { useEffect } from 'react';
import { formatWhen, warmDateFormat } from '../formatWhen';
import { Panel } from '../Panel';
import { useStudio } from '../store';
import { RunImport } from './RunImport';
import { RunStorage } from './runs/RunStorage';
import { StorageSummary } from './runs/StorageSummary';

export function RunsPanel() {
  const runs = useStudio((s) => s.runs);
  // Selected field by field: the view changes with every training step, these two only when a run starts or ends.
  const shownId = useStudio((s) => s.view?.runId);
  const live = useStudio((s) => s.view?.live ?? false);
  const compareIds = useStudio((s) => s.compareIds);
  useEffect(warmDateFormat, []);
  const { openRun, resumeRun, deleteRun, toggleCompare } = useStudio.getState();
  return (
    <Panel title="Runs in this browser" testId="panel-runs">
      <StorageSummary />
      {!runs.length && <p className="muted">No runs yet: train one, or import one trained elsewhere.</p>}
      <ul className="list">
        {[...runs].reverse().map((r) => (
          <li key={r.id} className={shownId === r.id ? 'selected' : ''} data-testid="run-row">
            <div className="grow">
              <div className="name" title={r.name}>{r.name}</div>
              <small>
                <span className={`status-pill ${r.status}`}>{r.status}</span>{' '}
                {r.lastEpoch >= 0 ? `${r.lastEpoch + 1} epoch${r.lastEpoch ? 's' : ''} done` : 'no epoch finished'}
                {r.epochs ? ` of ${r.epochs}` : ''} · {formatWhen(r.createdAt)}
              </small>
              {r.note && (r.status === 'failed' || r.status === 'interrupted') && <div><small className="muted" data-testid="run-note">{r.note}</small></div>}
              <RunStorage runId={r.id} />
            </div>
            {shownId !== r.id && r.lastEpoch >= 0 && (
              <label className="compare-toggle" title="Draw this run's per-epoch curves beside the current run's">
                <input type="checkbox" data-testid="compare-run" checked={compareIds.includes(r.id)}
                  onChange={() => void toggleCompare(r.id)} /> compare
              </label>
            )}
            {r.resumeEpoch !== undefined && (
              <button className="primary" disabled={live} data-testid="resume-run" onClick={() => void resumeRun(r.id)}>
                Resume from epoch {r.resumeEpoch + 1}
              </button>
            )}
            <button disabled={live || shownId === r.id} onClick={() => void openRun(r.id)}>Open</button>
            <button className="danger" data-testid="delete-run" disabled={live && shownId === r.id}
              onClick={() => confirm(`Delete run "${r.name}" with its checkpoints?`) && void deleteRun(r.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <RunImport />
    </Panel>
  );
}
