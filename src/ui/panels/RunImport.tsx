// Bringing a cluster run back: drop (or pick) its best.pt / last.pt and results.csv; the worker stores them as a run
// (metrics from results.csv, checkpoints listed), which then opens here with its charts. What did not fit is said.
import { useState } from 'react';
import type { RunImportSummary } from '../../protocol/messages';
import { useDropTarget } from '../useDropTarget';
import type { DroppedFile } from '../../protocol/messages';
import { useStudio } from '../store';
import { trainerClient } from '../trainerClient';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; s: RunImportSummary } | { kind: 'failed'; message: string };

function ImportedReport({ s }: { s: RunImportSummary }) {
  const files = s.checkpoints.map((c) => (c.kind === 'epoch' ? `epoch${c.epoch}.pt` : `${c.kind}.pt`)).join(', ');
  return (
    <div className={`notice ${s.warnings.length ? 'warn' : 'info'}`} data-testid="run-import-report">
      <div>
        Imported <b>{s.name}</b>: {s.epochs} epoch{s.epochs === 1 ? '' : 's'} of metrics, {files}.
        {s.status === 'interrupted' ? ' Its last.pt can resume training here.' : ''}
      </div>
      {s.warnings.map((w) => <div key={w} data-testid="run-import-warning">⚠ {w}</div>)}
      {s.ignored.length > 0 && <div>Ignored (not a checkpoint or results.csv): {s.ignored.join(', ')}</div>}
    </div>
  );
}

export function RunImport() {
  const live = useStudio((s) => s.view?.live ?? false);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const busy = state.kind === 'busy';

  const importFiles = async (files: DroppedFile[]) => {
    if (!files.length) return;
    setState({ kind: 'busy' });
    try {
      const s = await trainerClient().importRun(files);
      setState({ kind: 'done', s });
      const store = useStudio.getState();
      await store.refreshRuns();
      await store.openRun(s.runId);
    } catch (err) {
      setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };
  const drop = useDropTarget(importFiles, busy);

  return (
    <>
      <div className={`dropzone${drop.over ? ' over' : ''}`} data-testid="run-dropzone"
        {...drop.handlers}>
        {busy ? <span>Reading the run's checkpoints…</span> : (
          <>
            <div>Import a run (best.pt, last.pt, results.csv)</div>
            <small>trained by upstream YOLOv5, e.g. on a cluster from a bundle: drop its files here</small>
            <label className="button-like">
              Choose files…
              <input type="file" hidden multiple accept=".pt,.csv" disabled={busy} data-testid="run-file-input"
                onChange={drop.onInput} />
            </label>
          </>
        )}
      </div>
      {live && state.kind === 'done' && <small className="muted">The imported run opens once this training ends.</small>}
      {state.kind === 'done' && <ImportedReport s={state.s} />}
      {state.kind === 'failed' && <div className="notice error" data-testid="run-import-error">Import failed: {state.message}</div>}
    </>
  );
}
