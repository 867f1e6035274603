// One grid cell: the stored image decoded small (bitmaps.ts) with its boxes drawn; the bitmap is closed as soon as it
// is drawn, so a page of thumbnails holds only canvases.
import { memo, useEffect, useRef, useState } from 'react';
import type { ImageRef } from '../../../storage';
import { isAbort, loadBitmap } from './bitmaps';
import { drawLabelled } from './drawLabels';
import { baseName } from './imagePages';

/** Decoded size of a thumbnail's longer side: the ~90 px cell at up to 2x device pixels. */
const THUMB_PX = 192;

export const Thumb = memo(function Thumb(props: { datasetId: string; imageRef: ImageRef; highlight: number | null; onOpen: () => void }) {
  const { datasetId, imageRef, highlight, onOpen } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<{ kind: 'loading' | 'drawn' | 'error'; boxes?: number; message?: string }>({ kind: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setState({ kind: 'loading' });
    loadBitmap(datasetId, imageRef, THUMB_PX, abort.signal).then(
      (bitmap) => {
        if (abort.signal.aborted || !canvas.current) return bitmap.close();
        const boxes = drawLabelled(canvas.current, bitmap, imageRef, { highlight });
        bitmap.close();
        setState({ kind: 'drawn', boxes });
      },
      (err: unknown) => {
        if (!isAbort(err)) setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => abort.abort();
  }, [datasetId, imageRef, highlight]);
  const n = imageRef.labels.length / 5;
  const name = baseName(imageRef.path);
  return (
    <button className="thumb" onClick={onOpen} title={`${imageRef.path}\n${imageRef.width}×${imageRef.height}, ${n} box${n === 1 ? '' : 'es'}`}
      data-testid="thumb" data-state={state.kind} data-boxes={state.boxes ?? ''}>
      <canvas ref={canvas} aria-label={name} />
      {state.kind === 'error' && <span className="thumb-error">{state.message}</span>}
      <span className="caption">{name}</span>
    </button>
  );
});
