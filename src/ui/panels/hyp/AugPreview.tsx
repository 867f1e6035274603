// "What training sees": a few training samples of the selected dataset drawn by the worker with the current
// augmentation hyperparameters and image size (its TrainLoader, so exactly the training's pixels and boxes).
// Re-rendered ~300 ms after the last change; a newer request supersedes an older one in the worker. Paused while a
// training runs in this tab: the worker's CPU belongs to the training then (and the sliders are locked anyway).
import { useEffect, useMemo, useRef, useState } from 'react';
import { AUGMENT_HYP_KEYS, checkAugmentHyp, type AugmentHyp } from '../../../core/data/augment/hyp';
import { AUG_PREVIEW_COUNT, type AugPreview as Preview, type AugPreviewRequest, type AugPreviewSample } from '../../../protocol/augPreview';
import { useStudio } from '../../store';
import { trainerClient } from '../../trainerClient';
import { classColor } from '../datasets/palette';
import { drawPreviewTile, pixelDigest, previewBoxes, previewCaption, previewTileSize } from './augPreviewDraw';
import '../run/run.css';

const DEBOUNCE_MS = 300;
const TILE = 180;

type State = 'idle' | 'rendering' | 'drawn' | 'paused' | 'error';

function Tile({ sample, names }: { sample: AugPreviewSample; names: readonly string[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  const size = previewTileSize(sample.width, sample.height, TILE);
  const boxes = previewBoxes(sample.boxes, size.scale);
  const digest = useMemo(() => pixelDigest(sample.rgba), [sample.rgba]);
  useEffect(() => {
    let live = true;
    setDrawn(false);
    createImageBitmap(new ImageData(sample.rgba, sample.width, sample.height)).then((bmp) => {
      const ctx = ref.current?.getContext('2d');
      if (live && ctx) {
        drawPreviewTile(ctx, bmp, size, previewBoxes(sample.boxes, size.scale), { names, color: classColor });
        setDrawn(true);
      }
      bmp.close();
    }, () => undefined);
    return () => {
      live = false;
    };
  }, [sample, names, size.width, size.height, size.scale]);
  return (
    <figure className="gallery-tile" data-testid="aug-tile" data-state={drawn ? 'drawn' : 'loading'} data-kind={sample.kind}
      data-boxes={boxes.length} data-digest={digest} title={sample.file}>
      <canvas ref={ref} width={size.width} height={size.height} />
      <figcaption>{previewCaption(sample)}</figcaption>
    </figure>
  );
}

/** The request the current settings make, or why there is none. */
function useRequest(seed: number): { request: AugPreviewRequest | null; problem: string | null } {
  const datasetId = useStudio((s) => s.selectedDatasetId);
  const hyp = useStudio((s) => s.hyp);
  const { imgsz, rect, single_cls, image_weights } = useStudio((s) => s.options);
  return useMemo(() => {
    if (!datasetId) return { request: null, problem: 'Select a dataset to see its training samples.' };
    if (!Number.isFinite(imgsz) || imgsz < 1) return { request: null, problem: 'Set an image size to see the training samples.' };
    const aug = Object.fromEntries(AUGMENT_HYP_KEYS.map((k) => [k, hyp[k]])) as AugmentHyp;
    try {
      checkAugmentHyp(aug, 'hyp');
    } catch (err) {
      return { request: null, problem: err instanceof Error ? err.message : String(err) };
    }
    // --image-weights turns rect off in training too.
    return { request: { datasetId, hyp: aug, imgsz, seed, count: AUG_PREVIEW_COUNT, rect: rect && !image_weights, singleCls: single_cls }, problem: null };
  }, [datasetId, hyp, imgsz, rect, single_cls, image_weights, seed]);
}

export function AugPreview() {
  const trainSeed = useStudio((s) => s.options.seed);
  const training = useStudio((s) => s.view?.live ?? false);
  // "Another sample" moves the seed on from the training's own (which shows its first samples of epoch 0).
  const [offset, setOffset] = useState(0);
  const seed = (Number.isInteger(trainSeed) && trainSeed >= 0 ? trainSeed : 0) + offset;
  const { request, problem } = useRequest(seed);
  const key = request ? JSON.stringify(request) : '';
  const [preview, setPreview] = useState<Preview | null>(null);
  const [state, setState] = useState<State>('idle');
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    if (!request) return;
    if (training) {
      latest.current++; // a render still on its way is stale now
      setState('paused');
      return;
    }
    const ticket = ++latest.current;
    setState('rendering');
    const timer = setTimeout(() => {
      trainerClient().augPreview(request).then(
        (out) => {
          if (ticket !== latest.current) return; // a newer request is on its way
          if ('preview' in out) {
            setPreview(out.preview);
            setError(null);
            setState('drawn');
          } else if (out.skipped === 'training') {
            setState('paused');
          }
        },
        (err: unknown) => {
          if (ticket !== latest.current) return;
          setError(err instanceof Error ? err.message : String(err));
          setState('error');
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `key` stands for `request` (a new object whenever the store changes, often with equal contents).
  }, [key, training]);

  return (
    <div className="run-block" data-testid="aug-preview" data-state={request ? state : 'idle'} data-seed={seed}
      data-imgsz={preview?.imgsz ?? ''}>
      <div className="row">
        <h3>What training sees</h3>
        <small className="muted">seed {seed}{preview ? ` · ${preview.imgsz} px · ${preview.ms.toFixed(0)} ms` : ''}</small>
        <button style={{ marginLeft: 'auto' }} disabled={!request || training} data-testid="aug-another" onClick={() => setOffset((o) => o + 1)}>
          Another sample
        </button>
      </div>
      {problem && <p className="muted small-note">{problem}</p>}
      {request && training && (
        <p className="notice info" data-testid="aug-paused">
          Preview paused while training runs: drawing samples would take the worker's CPU from the training.
        </p>
      )}
      {request && error && <p className="notice error">{error}</p>}
      {request && preview && (
        <div className="gallery" style={{ opacity: state === 'rendering' ? 0.6 : 1 }}>
          {preview.samples.map((s, i) => <Tile key={`${preview.seed}-${i}`} sample={s} names={preview.names} />)}
        </div>
      )}
      <p className="muted small-note">
        Drawn by the training&apos;s own loader (mosaic, mixup, perspective, HSV, flips) with the labels it trains on;
        with the training seed these are its first {AUG_PREVIEW_COUNT} samples (with Rectangular, each image gets its own
        shape here; Multi-scale resizing and Image weights are not shown).
      </p>
    </div>
  );
}
