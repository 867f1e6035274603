// The run's files, one click each: the checkpoints the worker stored (last.pt / best.pt / epochN.pt) and
// results.csv, hyp.yaml, opt.yaml built from the stored run.
import { useState } from 'react';
import { checkpointFileName, downloadCheckpoint, downloadRunFile } from '../downloads';
import { formatBytes, Panel } from '../Panel';
import { useStudio } from '../store';

function describeEpoch(epoch: number): string {
  return epoch < 0 ? 'final (optimizer stripped, EMA weights)' : `after epoch ${epoch + 1}: training checkpoint (optimizer + EMA)`;
}

export function FilesPanel() {
  const view = useStudio((s) => s.view);
  const [error, setError] = useState<string | null>(null);
  if (!view) return null;
  const run = async (f: () => Promise<void>) => {
    try {
      setError(null);
      await f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const hasRows = view.rows.length > 0;
  return (
    <Panel title="Files" testId="panel-files">
      {view.checkpoints.length === 0 ? (
        <p className="muted">last.pt and best.pt appear here after the first epoch.</p>
      ) : (
        <ul className="list">
          {view.checkpoints.map((c) => (
            <li key={c.id}>
              <div className="grow">
                <div className="name">{checkpointFileName(c.id)}</div>
                <small>{describeEpoch(c.epoch)} · {formatBytes(c.size)}</small>
              </div>
              <button data-testid={`download-${c.id}`} onClick={() => void run(() => downloadCheckpoint(view.runId, c.id))}>Download</button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button data-testid="download-results" disabled={!hasRows} onClick={() => void run(() => downloadRunFile(view.runId, 'results.csv'))}>results.csv</button>
        <button data-testid="download-hyp" disabled={view.phase === 'starting'} onClick={() => void run(() => downloadRunFile(view.runId, 'hyp.yaml'))}>hyp.yaml</button>
        <button data-testid="download-opt" disabled={view.phase === 'starting'} onClick={() => void run(() => downloadRunFile(view.runId, 'opt.yaml'))}>opt.yaml</button>
      </div>
      {error && <p className="notice error">{error}</p>}
    </Panel>
  );
}
