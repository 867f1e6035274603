// Train bigger than one tab: the selected dataset and the current settings (exactly what Train would use) as a zip
// upstream YOLOv5 trains from on one GPU or several (DDP), written in the worker and saved as it is written.
import { useState } from 'react';
import { downloadBlob } from '../downloads';
import { Panel } from '../Panel';
import { unpackCommand } from '../progressText';
import { saveStream } from '../saveStream';
import { useStudio } from '../store';
import { currentTrainConfig, currentWeightsSource } from '../store/trainConfig';
import { trainerClient } from '../trainerClient';
import { useSettingProblems } from '../useSettingProblems';

type State =
  | { kind: 'idle' }
  | { kind: 'writing'; done: number; total: number }
  | { kind: 'saved'; fileName: string; images: number }
  | { kind: 'failed'; message: string };

export function BundlePanel() {
  const datasetId = useStudio((s) => s.selectedDatasetId);
  const errors = useSettingProblems().filter((p) => p.level === 'error');
  const [gpus, setGpus] = useState(2);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const busy = state.kind === 'writing';
  const gpusOk = Number.isInteger(gpus) && gpus >= 1;

  const makeBundle = async () => {
    const s = useStudio.getState();
    if (!s.selectedDatasetId) return;
    setState({ kind: 'writing', done: 0, total: 0 });
    try {
      const b = await trainerClient().bundle(
        { datasetId: s.selectedDatasetId, config: currentTrainConfig(s), gpus, ...currentWeightsSource(s) },
        (done, total) => setState({ kind: 'writing', done, total }),
      );
      try {
        const out = await saveStream(b.stream, b.fileName, downloadBlob);
        setState(out.saved ? { kind: 'saved', fileName: out.fileName, images: b.images } : { kind: 'idle' });
      } finally {
        b.stopProgress();
      }
    } catch (err) {
      setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  return (
    <Panel title="Train on a cluster" testId="panel-bundle">
      <p className="muted" style={{ marginTop: 0 }}>
        One zip for upstream YOLOv5 (v7.0): this dataset in its layout (only the files that passed verification),
        hyp.yaml and opt.yaml from these settings, and a README with the exact commands for one GPU or several (DDP
        with SyncBatchNorm). Bring the run back by dropping its best.pt / last.pt and results.csv into the runs list.
      </p>
      <div className="row">
        <button className="primary" data-testid="bundle" disabled={!datasetId || busy || errors.length > 0 || !gpusOk}
          title={errors.map((e) => e.text).join('\n')} onClick={() => void makeBundle()}>
          Cluster bundle (.zip)
        </button>
        <label htmlFor="bundle-gpus" className="muted">GPUs per machine</label>
        <input id="bundle-gpus" type="number" min={1} step={1} style={{ width: '4.5rem' }} value={Number.isNaN(gpus) ? '' : gpus}
          disabled={busy} onChange={(e) => setGpus(e.target.value === '' ? NaN : Number(e.target.value))} />
      </div>
      {!gpusOk && <div className="notice warn">GPUs must be a whole number of at least 1.</div>}
      {state.kind === 'writing' && (
        <div data-testid="bundle-progress">
          <progress max={state.total || 1} value={state.done} style={{ width: '100%' }} />
          <small className="muted">{state.total ? `Writing the zip… ${state.done}/${state.total} images` : 'Preparing the zip…'}</small>
        </div>
      )}
      {state.kind === 'saved' && (
        <div className="notice info" data-testid="bundle-saved">
          <div>Saved <b>{state.fileName}</b> ({state.images} images). Put it beside your yolov5 checkout and unpack it:</div>
          <code data-testid="bundle-unpack">{unpackCommand(state.fileName)}</code>
          <div>then run the commands in its README.md.</div>
        </div>
      )}
      {state.kind === 'failed' && <div className="notice error" data-testid="bundle-error">{state.message}</div>}
    </Panel>
  );
}
