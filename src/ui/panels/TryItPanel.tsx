// "Try it": a stored checkpoint (the open run's best.pt unless another is picked) on a dropped or picked image, or on
// a val image of the selected dataset. The worker runs detect.py's pipeline once per image and IoU threshold,
// keeping detections down to conf 0.001; the confidence slider filters those here, without asking the worker again.
import { useEffect, useRef, useState } from 'react';
import { DETECT_CONF_DEFAULT, DETECT_IOU_DEFAULT, type TryItImage, type TryItResult } from '../../protocol/checkpointTools';
import type { DroppedFile } from '../../protocol/messages';
import { readImage } from '../../storage';
import { studioDb } from '../db';
import { Panel } from '../Panel';
import { useStudio } from '../store';
import { trainerClient } from '../trainerClient';
import { useDropTarget } from '../useDropTarget';
import { useCheckpointPicker } from './checkpoint/CheckpointSelect';
import { countText, detectionRows, firstImage, truthBoxes, tryItEntry } from './checkpoint/tryItView';
import { classColor } from './datasets/palette';
import { useManifest } from './datasets/useManifest';
import { drawTile, tileBoxes, tileSize } from './run/galleryDraw';
import './checkpoint/checkpoint.css';

/** Longer side of the drawn image, CSS pixels. */
const MAX_SIDE = 560;
const LISTED = 100;
/** A moved IoU slider asks the worker again once it rests this long. */
const IOU_SETTLE_MS = 250;

/** The image being tried; `labels` (normalized rows) when it is a dataset image with true boxes. */
interface Source {
  id: number;
  image: TryItImage;
  label: string;
  labels?: readonly number[];
}

type Run =
  | { kind: 'idle' }
  | { kind: 'running'; last?: Done }
  | Done
  | { kind: 'error'; message: string };
interface Done {
  kind: 'done';
  sourceId: number;
  result: TryItResult;
}

let nextSourceId = 1;

/** Asks the worker whenever the checkpoint, the image or the IoU threshold change (the latter once it settles). */
function useTryIt(ckpt: { runId: string; entryId: string } | null, source: Source | null, iou: number): Run {
  const [run, setRun] = useState<Run>({ kind: 'idle' });
  const iouRef = useRef(iou);
  // By value: a re-listed, equal choice must not ask again.
  const runId = ckpt?.runId;
  const entryId = ckpt?.entryId;
  useEffect(() => {
    if (!runId || !entryId || !source) return setRun({ kind: 'idle' });
    let live = true;
    const wait = iouRef.current === iou ? 0 : IOU_SETTLE_MS;
    iouRef.current = iou;
    const timer = setTimeout(() => {
      setRun((r) => ({ kind: 'running', last: r.kind === 'done' ? r : r.kind === 'running' ? r.last : undefined }));
      trainerClient().tryIt({ runId, entryId, image: source.image, iouThres: iou }).then(
        (result) => live && setRun({ kind: 'done', sourceId: source.id, result }),
        (err: unknown) => live && setRun({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
    }, wait);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId, entryId, source, iou]);
  return run;
}

/** The source decoded for drawing (createImageBitmap applies EXIF orientation, as the worker's decode does). */
function useBitmap(source: Source | null): { sourceId: number; bitmap: ImageBitmap } | null {
  const [state, setState] = useState<{ sourceId: number; bitmap: ImageBitmap } | null>(null);
  useEffect(() => {
    if (!source) return setState(null);
    let live = true;
    let made: ImageBitmap | null = null;
    const img = source.image;
    const blob = img.kind === 'file' ? Promise.resolve(img.file) : readImage(studioDb(), img.datasetId, img.key);
    blob.then((b) => createImageBitmap(b, { imageOrientation: 'from-image' })).then((bitmap) => {
      if (!live) return bitmap.close();
      made = bitmap;
      setState({ sourceId: source.id, bitmap });
    }, () => undefined); // the worker's answer says why an image cannot be read
    return () => {
      live = false;
      made?.close();
    };
  }, [source]);
  return state;
}

function ImagePicker(props: { source: Source | null; onSource: (s: Source) => void; onProblem: (m: string) => void }) {
  const datasets = useStudio((s) => s.datasets);
  const datasetId = useStudio((s) => s.selectedDatasetId);
  const manifest = useManifest(datasetId, datasets);
  const onFiles = (files: DroppedFile[]) => {
    const file = firstImage(files.map((f) => f.file));
    if (!file) return props.onProblem('none of the dropped files is an image');
    props.onSource({ id: nextSourceId++, image: { kind: 'file', file, name: file.name }, label: file.name });
  };
  const drop = useDropTarget(onFiles, false);
  const val = manifest.kind === 'ready' ? manifest.manifest.splits.val : [];
  const img = props.source?.image;
  return (
    <div className={`dropzone${drop.over ? ' over' : ''}`} data-testid="tryit-drop" {...drop.handlers}>
      <div>Drop an image here</div>
      <div className="row">
        <label className="button-like">
          Choose an image…
          <input type="file" hidden accept="image/*" data-testid="tryit-file" onChange={drop.onInput} />
        </label>
        {manifest.kind === 'ready' && val.length > 0 && (
          <select data-testid="tryit-val-image" aria-label="a val image of the selected dataset"
            value={img?.kind === 'dataset' && img.datasetId === manifest.manifest.id ? img.key : ''}
            onChange={(e) => {
              const ref = val.find((r) => r.key === e.target.value);
              if (!ref) return;
              const name = ref.path.replace(/^.*\//, '');
              props.onSource({ id: nextSourceId++, image: { kind: 'dataset', datasetId: manifest.manifest.id, key: ref.key, path: ref.path }, label: name, labels: ref.labels });
            }}>
            <option value="" disabled>or a val image of {manifest.manifest.name}…</option>
            {val.map((r) => <option key={r.key} value={r.key}>{r.path.replace(/^.*\//, '')}</option>)}
          </select>
        )}
      </div>
    </div>
  );
}

function Detections({ result, conf, shown }: { result: TryItResult; conf: number; shown: Float32Array }) {
  const rows = detectionRows(shown, result.names, LISTED);
  const n = shown.length / 6;
  return (
    <div className="run-block">
      <div className="row">
        <b data-testid="tryit-count" data-count={n} data-total={result.dets.length / 6}>{countText(n)}</b>
        <small className="muted">above confidence {conf.toFixed(3)} ({result.dets.length / 6} above 0.001)</small>
      </div>
      {rows.length > 0 && (
        <table className="metrics" data-testid="tryit-detections">
          <thead><tr><th>Class</th><th>Confidence</th><th>Box (x1, y1 – x2, y2 px)</th></tr></thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-testid="tryit-detection">
                <td><span className="swatch" style={{ background: classColor(r.cls) }} />{r.name}</td><td>{r.conf}</td><td>{r.box}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {n > LISTED && <p className="muted small-note">… and {n - LISTED} more</p>}
    </div>
  );
}

export function TryItPanel() {
  const { chosen, select } = useCheckpointPicker('tryit-checkpoint');
  const [source, setSource] = useState<Source | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [conf, setConf] = useState(DETECT_CONF_DEFAULT);
  const [iou, setIou] = useState(DETECT_IOU_DEFAULT);
  const [showTruth, setShowTruth] = useState(true);
  const run = useTryIt(chosen, source, iou);
  const drawn = useBitmap(source);
  const canvas = useRef<HTMLCanvasElement>(null);
  const done = run.kind === 'done' ? run : run.kind === 'running' ? run.last : undefined;
  const current = done && source && done.sourceId === source.id ? done.result : null;
  const truth = current && source?.labels ? truthBoxes(source.labels, current.width, current.height) : null;
  const entry = current ? tryItEntry(current, conf, showTruth ? truth : null) : null;
  const size = current ? tileSize(current.width, current.height, MAX_SIDE) : null;
  const ready = Boolean(entry && size && drawn && drawn.sourceId === source?.id);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ready || !ctx || !entry || !size || !drawn || !current) return;
    drawTile(ctx, drawn.bitmap, size, tileBoxes(entry, 0, size.scale), { names: current.names, color: classColor, truth: showTruth });
  });
  const pick = (s: Source) => {
    setProblem(null);
    setSource(s);
  };
  return (
    <Panel title="Try it" testId="panel-tryit">
      <div className="row">
        <label htmlFor="tryit-checkpoint">Checkpoint</label>
        {select}
      </div>
      {!chosen && <p className="muted">Train a run (or import one): its best.pt, last.pt and epoch checkpoints can be tried here.</p>}
      <ImagePicker source={source} onSource={pick} onProblem={setProblem} />
      <div className="tryit-sliders">
        <label htmlFor="tryit-conf">confidence &gt;</label>
        <input id="tryit-conf" data-testid="tryit-conf" type="range" min={0.001} max={1} step={0.001} value={conf}
          onChange={(e) => setConf(Number(e.target.value))} />
        <span className="num">{conf.toFixed(3)}</span>
        <label htmlFor="tryit-iou">NMS IoU</label>
        <input id="tryit-iou" data-testid="tryit-iou" type="range" min={0.05} max={0.95} step={0.05} value={iou}
          onChange={(e) => setIou(Number(e.target.value))} />
        <span className="num">{iou.toFixed(2)}</span>
        {source?.labels && (
          <label><input type="checkbox" checked={showTruth} onChange={(e) => setShowTruth(e.target.checked)} /> true boxes</label>
        )}
      </div>
      {problem && <p className="notice error" data-testid="tryit-error">{problem}</p>}
      {run.kind === 'error' && <p className="notice error" data-testid="tryit-error">{run.message}</p>}
      <div data-testid="tryit-state" data-state={run.kind}>
        {run.kind === 'running' && <small className="muted">detecting in {source?.label}…</small>}
      </div>
      {current && size && (
        <>
          <canvas ref={canvas} className="tryit-canvas" data-testid="tryit-canvas" data-drawn={ready ? 'yes' : 'no'}
            width={size.width} height={size.height} aria-label={`${source?.label} with detections`} />
          <p className="muted small-note" data-testid="tryit-info" data-iou={current.iouThres}>
            {current.checkpoint.runName} · {current.checkpoint.fileName} on {source?.label} ({current.width}×{current.height}) · input{' '}
            {current.inputHW[1]}×{current.inputHW[0]} · {current.ms.inference.toFixed(0)} ms inference, {current.ms.nms.toFixed(0)} ms NMS at IoU {current.iouThres.toFixed(2)}
          </p>
          {entry && <Detections result={current} conf={conf} shown={entry.dets} />}
        </>
      )}
    </Panel>
  );
}
