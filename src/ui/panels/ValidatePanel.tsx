// "Validate": any stored checkpoint on any stored dataset's val split, as upstream val.py, in the worker with a
// progress bar; then P, R, mAP50, mAP50-95, the per-class table, the confusion matrix and the PR / F1 curves (the
// run view's own components). A dataset whose classes do not fit the checkpoint is refused with both sides named.
import { useState } from 'react';
import type { CheckpointValidation } from '../../protocol/checkpointTools';
import { Panel } from '../Panel';
import { useStudio } from '../store';
import { trainerClient } from '../trainerClient';
import { useCheckpointPicker } from './checkpoint/CheckpointSelect';
import { ApTable } from './run/ApTable';
import { ConfusionMatrixGrid } from './run/ConfusionMatrixGrid';
import { ValCurves } from './run/ValCurves';
import './checkpoint/checkpoint.css';
import './run/run.css';

type State =
  | { kind: 'idle' }
  | { kind: 'running'; batch: number; batches: number }
  | { kind: 'done'; result: CheckpointValidation }
  | { kind: 'error'; message: string };

const f3 = (v: number) => v.toFixed(3);

function ValidationView({ r }: { r: CheckpointValidation }) {
  const a = r.analytics;
  return (
    <div data-testid="validate-result">
      <h3>
        {r.checkpoint.runName} · {r.checkpoint.fileName} on {r.dataset.name}: {a.all.images} val images at {r.imgsz} px
      </h3>
      <div className="validate-summary" data-testid="validate-summary">
        <span>P <b data-testid="validate-P">{f3(a.all.P)}</b></span>
        <span>R <b data-testid="validate-R">{f3(a.all.R)}</b></span>
        <span>mAP50 <b data-testid="validate-map50">{f3(a.all.mAP50)}</b></span>
        <span>mAP50-95 <b data-testid="validate-map">{f3(a.all.mAP50_95)}</b></span>
        <small className="muted">
          {r.speedMs.preprocess.toFixed(1)} ms pre-process, {r.speedMs.inference.toFixed(1)} ms inference, {r.speedMs.nms.toFixed(1)} ms NMS per image
        </small>
      </div>
      {r.warnings.map((w) => <p key={w} className="notice warn">{w}</p>)}
      <ApTable all={a.all} perClass={r.perClass} />
      {r.perClassZero && (
        <p className="muted small-note">No prediction matched a label, so every class is at 0 (upstream prints no class rows then).</p>
      )}
      <div className="val-grid">
        {a.confusion && <ConfusionMatrixGrid confusion={a.confusion} />}
        {a.curves ? <ValCurves curves={a.curves} /> : <p className="muted">No curves: the checkpoint predicted nothing on these images.</p>}
      </div>
    </div>
  );
}

export function ValidatePanel() {
  const { chosen, select } = useCheckpointPicker('validate-checkpoint');
  const datasets = useStudio((s) => s.datasets);
  const selectedDatasetId = useStudio((s) => s.selectedDatasetId);
  const [picked, setPicked] = useState<string | null>(null);
  const [imgsz, setImgsz] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const datasetId = [picked, selectedDatasetId, datasets[0]?.id].find((id) => id && datasets.some((d) => d.id === id)) ?? null;
  const dataset = datasets.find((d) => d.id === datasetId);
  const running = state.kind === 'running';
  const validate = () => {
    if (!chosen || !datasetId) return;
    setState({ kind: 'running', batch: 0, batches: 0 });
    trainerClient()
      .validateCheckpoint(
        { runId: chosen.runId, entryId: chosen.entryId, datasetId, ...(imgsz ? { imgsz: Number(imgsz) } : {}) },
        (batch, batches) => setState({ kind: 'running', batch, batches }),
      )
      .then(
        (result) => setState({ kind: 'done', result }),
        (err: unknown) => setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
  };
  return (
    <Panel title="Validate a checkpoint" testId="panel-validate">
      <div className="form-grid">
        <label htmlFor="validate-checkpoint">Checkpoint</label>
        {select}
        <label htmlFor="validate-dataset">Dataset</label>
        <select id="validate-dataset" data-testid="validate-dataset" value={datasetId ?? ''} disabled={!datasets.length}
          onChange={(e) => setPicked(e.target.value)}>
          {!datasets.length && <option value="">no dataset stored</option>}
          {datasets.map((d) => <option key={d.id} value={d.id}>{`${d.name} (${d.images.val} val · ${d.nc} classes)`}</option>)}
        </select>
        <label htmlFor="validate-imgsz">Image size</label>
        <input id="validate-imgsz" type="number" min={32} step={32} placeholder="as trained" value={imgsz}
          onChange={(e) => setImgsz(e.target.value)} />
      </div>
      <div className="row" style={{ marginTop: '0.5rem' }}>
        <button className="primary" data-testid="validate" disabled={!chosen || !dataset || running} onClick={validate}>
          {running ? 'Validating…' : 'Validate'}
        </button>
        {dataset && <small className="muted">on the {dataset.images.val} val images of {dataset.name}, as val.py (conf 0.001, IoU 0.6)</small>}
      </div>
      {running && (
        <div data-testid="validate-progress">
          <progress max={Math.max(1, state.batches)} value={state.batch} />
          <small className="muted">{state.batches ? `batch ${state.batch} of ${state.batches}` : 'loading the checkpoint…'}</small>
        </div>
      )}
      {state.kind === 'error' && <p className="notice error" data-testid="validate-error">{state.message}</p>}
      {state.kind === 'done' && <ValidationView r={state.result} />}
    </Panel>
  );
}
