// The dataset's images, a page at a time, with their boxes; a class filter keeps the images holding that class.
// Only the shown page's images are read from IndexedDB and decoded (Thumb), never the whole dataset.
import { useCallback, useMemo, useState } from 'react';
import type { ClassStats } from '../../../core/data/stats';
import type { DatasetManifest, SplitName } from '../../../storage';
import { filterByClass, pageWindow, PAGE_SIZE } from './imagePages';
import { ImageViewer } from './ImageViewer';
import { Thumb } from './Thumb';

export function ClassFilter(props: { perClass: readonly ClassStats[]; value: number | null; onChange: (cls: number | null) => void; total: number }) {
  return (
    <select aria-label="show images with class" data-testid="class-filter" value={props.value ?? ''}
      onChange={(e) => props.onChange(e.target.value === '' ? null : Number(e.target.value))}>
      <option value="">All classes ({props.total} images)</option>
      {props.perClass.filter((c) => c.images > 0 || c.id === props.value).map((c) => (
        <option key={c.id} value={c.id}>{c.name} ({c.images} image{c.images === 1 ? '' : 's'})</option>
      ))}
    </select>
  );
}

export function ImageGrid(props: {
  manifest: DatasetManifest; split: SplitName; perClass: readonly ClassStats[]; classFilter: number | null; onClassFilter: (cls: number | null) => void;
}) {
  const { manifest, split, classFilter } = props;
  const refs = useMemo(() => manifest.splits[split] ?? [], [manifest, split]);
  const shown = useMemo(() => filterByClass(refs, classFilter), [refs, classFilter]);
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const w = pageWindow(shown.length, page);
  const onPick = useCallback((cls: number | null) => {
    setPage(0);
    props.onClassFilter(cls);
  }, [props.onClassFilter]);
  const close = useCallback(() => setOpen(null), []);
  const at = open !== null && open < shown.length ? open : null;
  return (
    <div data-testid="image-grid" data-shown={shown.length}>
      <div className="row spread">
        <ClassFilter perClass={props.perClass} value={classFilter} onChange={onPick} total={refs.length} />
        <span className="muted num" data-testid="grid-count">
          {shown.length === refs.length ? `${refs.length} images` : `${shown.length} of ${refs.length} images`}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="muted">No image in {split} has a box of this class.</p>
      ) : (
        <div className="thumbs">
          {shown.slice(w.start, w.end).map((i, k) => (
            <Thumb key={refs[i].key + split} datasetId={manifest.id} imageRef={refs[i]} highlight={classFilter} onOpen={() => setOpen(w.start + k)} />
          ))}
        </div>
      )}
      {w.pages > 1 && (
        <div className="row pager" data-testid="pager">
          <button onClick={() => setPage(0)} disabled={w.page === 0} aria-label="first page">«</button>
          <button onClick={() => setPage(w.page - 1)} disabled={w.page === 0} aria-label="previous page">‹</button>
          <span className="num" data-testid="page-label">page {w.page + 1} of {w.pages}</span>
          <button onClick={() => setPage(w.page + 1)} disabled={w.page >= w.pages - 1} aria-label="next page">›</button>
          <button onClick={() => setPage(w.pages - 1)} disabled={w.page >= w.pages - 1} aria-label="last page">»</button>
        </div>
      )}
      {at !== null && (
        <ImageViewer
          datasetId={manifest.id} imageRef={refs[shown[at]]} names={manifest.names}
          position={`${at + 1} / ${shown.length}`} onClose={close}
          onPrev={at > 0 ? () => { setOpen(at - 1); setPage(Math.floor((at - 1) / PAGE_SIZE)); } : undefined}
          onNext={at < shown.length - 1 ? () => { setOpen(at + 1); setPage(Math.floor((at + 1) / PAGE_SIZE)); } : undefined}
        />
      )}
    </div>
  );
}
