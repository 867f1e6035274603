// The run's files, one click each: the checkpoints the worker stored (last.pt / best.pt / epochN.pt), each also as
// ONNX (exported in the worker at the chosen size), and results.csv, hyp.yaml, opt.yaml built from the stored run.
import { useEffect, useState } from 'react';
import type { TrainConfig } from '../../protocol/messages';
import { getRun } from '../../storage';
import { studioDb } from '../db';
import { checkpointFileName, downloadCheckpoint, downloadOnnx, downloadRunFile } from '../downloads';
import { formatBytes, Panel } from '../Panel';
import { useStudio } from '../store';

function describeEpoch(epoch: number): string {
  return epoch < 0 ? 'final (optimizer stripped, EMA weights)' : `after epoch ${epoch + 1}: training checkpoint (optimizer + EMA)`;
}

/** The image size the run trained at (the ONNX default), read once the run has a checkpoint; null while unknown. */
function useRunImgsz(runId: string | undefined, hasCheckpoints: boolean): number | null {
  const [imgsz, setImgsz] = useState<number | null>(null);
  useEffect(() => {
    setImgsz(null);
    if (!runId || !hasCheckpoints) return;
    let alive = true;
    // Unknown (no record): the field stays empty and the worker uses the run's size itself.
    getRun(studioDb(), runId).then((r) => alive && setImgsz((r.config as TrainConfig).options.imgsz), () => undefined);
    return () => {
      alive = false;
    };
  }, [runId, hasCheckpoints]);
  return imgsz;
}

/** Image size and dynamic axes of the ONNX export, shared by the checkpoints' ONNX buttons. */
function OnnxOptions(props: { imgsz: string; dynamic: boolean; onImgsz: (v: string) => void; onDynamic: (v: boolean) => void }) {
  return (
    <div className="row" data-testid="onnx-options">
      <small className="muted">ONNX export (onnxruntime, TensorRT, OpenVINO):</small>
      <label htmlFor="onnx-imgsz"><small>img size</small></label>
      <input id="onnx-imgsz" type="number" min={32} step={32} style={{ width: '5rem' }} value={props.imgsz} placeholder="as trained"
        onChange={(e) => props.onImgsz(e.target.value)} />
      <label><input type="checkbox" data-testid="onnx-dynamic" checked={props.dynamic}
        onChange={(e) => props.onDynamic(e.target.checked)} /> <small>dynamic batch and size</small></label>
    </div>
  );
}

export function FilesPanel() {
  // Selected field by field: the view changes with every training step, none of these does.
  const runId = useStudio((s) => s.view?.runId);
  const checkpoints = useStudio((s) => s.view?.checkpoints);
  const phase = useStudio((s) => s.view?.phase);
  const hasRows = useStudio((s) => (s.view?.rows.length ?? 0) > 0);
  const runImgsz = useRunImgsz(runId, (checkpoints?.length ?? 0) > 0);
  const [error, setError] = useState<string | null>(null);
  const [imgsz, setImgsz] = useState('');
  const [dynamic, setDynamic] = useState(false);
  const [exporting, setExporting] = useState<string | null>(null);
  // A newly opened run starts from its own training size.
  useEffect(() => setImgsz(runImgsz === null ? '' : String(runImgsz)), [runImgsz]);
  if (runId === undefined || !checkpoints) return null;
  const run = async (f: () => Promise<unknown>) => {
    try {
      setError(null);
      await f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const exportOnnx = (entryId: string) => void run(async () => {
    setExporting(entryId);
    try {
      await downloadOnnx(runId, entryId, { ...(imgsz ? { imgsz: Number(imgsz) } : {}), dynamic });
    } finally {
      setExporting(null);
    }
  });
  return (
    <Panel title="Files" testId="panel-files">
      {checkpoints.length === 0 ? (
        <p className="muted">last.pt and best.pt appear here after the first epoch.</p>
      ) : (
        <>
          <OnnxOptions imgsz={imgsz} dynamic={dynamic} onImgsz={setImgsz} onDynamic={setDynamic} />
          <ul className="list">
            {checkpoints.map((c) => (
              <li key={c.id}>
                <div className="grow">
                  <div className="name">{checkpointFileName(c.id)}</div>
                  <small>{describeEpoch(c.epoch)} · {formatBytes(c.size)}</small>
                </div>
                <button data-testid={`download-${c.id}`} onClick={() => void run(() => downloadCheckpoint(runId, c.id))}>Download</button>
                <button data-testid={`onnx-${c.id}`} disabled={exporting !== null} onClick={() => exportOnnx(c.id)}
                  title={`Export ${checkpointFileName(c.id)} as ONNX (input 'images' 1x3x${imgsz || '?'}x${imgsz || '?'}, output 'output0')`}>
                  {exporting === c.id ? 'Exporting…' : 'ONNX'}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="row">
        <button data-testid="download-results" disabled={!hasRows} onClick={() => void run(() => downloadRunFile(runId, 'results.csv'))}>results.csv</button>
        <button data-testid="download-hyp" disabled={phase === 'starting'} onClick={() => void run(() => downloadRunFile(runId, 'hyp.yaml'))}>hyp.yaml</button>
        <button data-testid="download-opt" disabled={phase === 'starting'} onClick={() => void run(() => downloadRunFile(runId, 'opt.yaml'))}>opt.yaml</button>
      </div>
      {error && <p className="notice error" data-testid="files-error">{error}</p>}
    </Panel>
  );
}
