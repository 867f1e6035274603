// The large view of one image: decoded at up to 1024 px with class names on its boxes and the label rows listed;
// arrows step through the filtered images, Escape closes.
import { useEffect, useRef, useState } from 'react';
import type { ImageRef } from '../../../storage';
import { isAbort, loadBitmap } from './bitmaps';
import { drawLabelled } from './drawLabels';
import { boxesOf } from './imagePages';
import { classColor } from './palette';

const LARGE_PX = 1024;

export function ImageViewer(props: {
  datasetId: string; imageRef: ImageRef; names: readonly string[]; position: string;
  onPrev?: () => void; onNext?: () => void; onClose: () => void;
}) {
  const { datasetId, imageRef, names, onPrev, onNext, onClose } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    setDrawn(false);
    loadBitmap(datasetId, imageRef, LARGE_PX, abort.signal).then(
      (bitmap) => {
        if (!abort.signal.aborted && canvas.current) {
          drawLabelled(canvas.current, bitmap, imageRef, { names });
          setDrawn(true);
        }
        bitmap.close();
      },
      (err: unknown) => !isAbort(err) && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => abort.abort();
  }, [datasetId, imageRef, names]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (e.key === 'ArrowLeft') onPrev?.();
      else if (e.key === 'ArrowRight') onNext?.();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose, onPrev, onNext]);
  const boxes = boxesOf(imageRef);
  const aspect = imageRef.width / imageRef.height;
  return (
    <div className="viewer-backdrop" onClick={onClose}>
      <div className="viewer" role="dialog" aria-label={imageRef.path} data-testid="image-viewer" data-drawn={drawn} onClick={(e) => e.stopPropagation()}>
        <div className="row spread">
          <b className="path" title={imageRef.path}>{imageRef.path}</b>
          <div className="row">
            <span className="muted num">{props.position}</span>
            <button onClick={onPrev} disabled={!onPrev} aria-label="previous image">←</button>
            <button onClick={onNext} disabled={!onNext} aria-label="next image">→</button>
            <button onClick={onClose} aria-label="close">✕</button>
          </div>
        </div>
        <canvas ref={canvas} style={{ aspectRatio: String(aspect) }} />
        {error && <p className="notice error">Could not show this image: {error}</p>}
        <small className="num">{imageRef.width}×{imageRef.height} px, {boxes.length} box{boxes.length === 1 ? '' : 'es'}</small>
        {boxes.length > 0 && (
          <table className="metrics labels-table" data-testid="viewer-labels">
            <thead><tr><th>Class</th><th>x</th><th>y</th><th>w</th><th>h</th></tr></thead>
            <tbody>
              {boxes.map((b, i) => (
                <tr key={i}>
                  <td><span className="swatch" style={{ background: classColor(b.cls) }} />{names[b.cls] ?? `class ${b.cls}`}</td>
                  <td>{b.cx.toFixed(3)}</td><td>{b.cy.toFixed(3)}</td><td>{b.w.toFixed(3)}</td><td>{b.h.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
