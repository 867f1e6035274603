// A few validation images (the first of the val set, the same ones every epoch) with their true boxes dashed and
// the model's predictions above a confidence threshold, redrawn after each validation. Images come from IndexedDB.
import { useEffect, useRef, useState } from 'react';
import type { GalleryEntry, ValAnalytics } from '../../../protocol/valAnalytics';
import { readImage } from '../../../storage';
import { studioDb } from '../../db';
import { classColor } from '../datasets/palette';
import { drawTile, tileBoxes, tileCaption, tileSize } from './galleryDraw';

const TILE = 220;

/** Decoded images by dataset and key: the same few images are redrawn every epoch. */
const bitmaps = new Map<string, Promise<ImageBitmap>>();

function bitmapOf(datasetId: string, key: string): Promise<ImageBitmap> {
  const id = `${datasetId}/${key}`;
  let p = bitmaps.get(id);
  if (!p) {
    p = readImage(studioDb(), datasetId, key).then((blob) => createImageBitmap(blob, { imageOrientation: 'from-image' }));
    p.catch(() => bitmaps.delete(id));
    if (bitmaps.size > 24) bitmaps.clear();
    bitmaps.set(id, p);
  }
  return p;
}

function Tile(props: { datasetId: string; entry: GalleryEntry; conf: number; truth: boolean; names: readonly string[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<'loading' | 'drawn' | 'error'>('loading');
  const [error, setError] = useState('');
  const { datasetId, entry, conf, truth, names } = props;
  const size = tileSize(entry.width, entry.height, TILE);
  const boxes = tileBoxes(entry, conf, size.scale);
  useEffect(() => {
    let live = true;
    bitmapOf(datasetId, entry.key).then(
      (bmp) => {
        const ctx = ref.current?.getContext('2d');
        if (!live || !ctx) return;
        drawTile(ctx, bmp, size, tileBoxes(entry, conf, size.scale), { names, color: classColor, truth });
        setState('drawn');
      },
      (err: unknown) => {
        if (!live) return;
        setError(err instanceof Error ? err.message : String(err));
        setState('error');
      },
    );
    return () => {
      live = false;
    };
  }, [datasetId, entry, conf, truth, names, size.width, size.height, size.scale]);
  return (
    <figure className="gallery-tile" data-testid="gallery-tile" data-state={state} data-preds={boxes.preds.length} data-truth={boxes.truth.length}>
      <canvas ref={ref} width={size.width} height={size.height} />
      <figcaption>
        {tileCaption(entry, { truth: boxes.truth.length, preds: boxes.preds.length }, conf)}
        {state === 'error' && <span className="thumb-error"> {error}</span>}
      </figcaption>
    </figure>
  );
}

export function ValGallery({ gallery, names, epoch }: { gallery: NonNullable<ValAnalytics['gallery']>; names: readonly string[]; epoch: number }) {
  const [conf, setConf] = useState(0.25);
  const [truth, setTruth] = useState(true);
  return (
    <div className="run-block" data-testid="val-gallery" data-epoch={epoch}>
      <div className="row">
        <h3>Validation images after epoch {epoch + 1}</h3>
        <label className="muted small-note" style={{ marginLeft: 'auto' }}>
          confidence &gt; <input type="range" min={0} max={0.95} step={0.05} value={conf} onChange={(e) => setConf(Number(e.target.value))} />{' '}
          {conf.toFixed(2)}
        </label>
        <label className="muted small-note"><input type="checkbox" checked={truth} onChange={(e) => setTruth(e.target.checked)} /> true boxes</label>
      </div>
      <div className="gallery">
        {gallery.images.map((e) => <Tile key={e.key} datasetId={gallery.datasetId} entry={e} conf={conf} truth={truth} names={names} />)}
      </div>
      <p className="muted small-note">Dashed: labelled boxes. Solid: predictions with class and confidence (upstream draws those above 0.25).</p>
    </div>
  );
}
