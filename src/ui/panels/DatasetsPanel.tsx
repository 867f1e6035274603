// Step 1: the stored datasets (select, rename, delete), the built-in sample set a newcomer starts with, and a look
// inside the selected one (label statistics, images with boxes, verification report: panels/datasets).
import { useState } from 'react';
import type { DatasetSummary } from '../../storage';
import { formatBytes, Panel } from '../Panel';
import { DatasetExplorer } from './datasets/DatasetExplorer';
import { DropZone } from './DropZone';
import { useStudio } from '../store';

function DatasetRow({ d, selected }: { d: DatasetSummary; selected: boolean }) {
  const { selectDataset, renameDataset, deleteDataset } = useStudio.getState();
  const training = useStudio((s) => s.view?.live ?? false);
  const [editing, setEditing] = useState<string | null>(null);
  const total = d.images.train + d.images.val + d.images.test;
  return (
    <li className={selected ? 'selected' : ''} data-testid="dataset-row">
      <input type="radio" name="dataset" checked={selected} onChange={() => selectDataset(d.id)} aria-label={`use ${d.name}`} disabled={training} />
      <div className="grow" onClick={() => !training && selectDataset(d.id)}>
        {editing === null ? (
          <div className="name" title={d.name}>{d.name}</div>
        ) : (
          <input
            type="text" autoFocus value={editing} aria-label="dataset name"
            onChange={(e) => setEditing(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void renameDataset(d.id, editing).then(() => setEditing(null));
              if (e.key === 'Escape') setEditing(null);
            }}
          />
        )}
        <small className="num">
          {d.images.train} train · {d.images.val} val{d.images.test ? ` · ${d.images.test} test` : ''} · {d.nc} classes · {total} images, {formatBytes(d.bytes)}
        </small>
      </div>
      {editing === null ? (
        <button className="link" onClick={() => setEditing(d.name)}>Rename</button>
      ) : (
        <button className="link" onClick={() => void renameDataset(d.id, editing).then(() => setEditing(null))}>Save</button>
      )}
      <button
        className="link danger" disabled={training}
        onClick={() => {
          if (confirm(`Delete dataset "${d.name}" and its ${total} images from this browser?`)) void deleteDataset(d.id);
        }}
      >
        Delete
      </button>
    </li>
  );
}

export function DatasetsPanel() {
  const datasets = useStudio((s) => s.datasets);
  const selected = useStudio((s) => s.selectedDatasetId);
  const sample = useStudio((s) => s.sample);
  const error = useStudio((s) => s.datasetError);
  const createSample = useStudio((s) => s.createSample);
  return (
    <Panel title="Dataset" step={1} testId="panel-datasets">
      {datasets.length === 0 && !sample.busy && (
        <p className="muted">No dataset stored in this browser yet. The sample set (coloured shapes, 3 classes) is ready to train in seconds.</p>
      )}
      {sample.busy && datasets.length === 0 && <p className="muted">Generating the sample dataset so you can train right away…</p>}
      <ul className="list">
        {datasets.map((d) => <DatasetRow key={d.id} d={d} selected={d.id === selected} />)}
      </ul>
      <div className="row">
        <button onClick={() => void createSample()} disabled={sample.busy} data-testid="create-sample">
          {sample.busy ? `Generating sample… ${sample.done}/${sample.total || '…'}` : 'Add sample dataset (shapes)'}
        </button>
      </div>
      <DropZone />
      {sample.error && <p className="notice error">Sample dataset failed: {sample.error}</p>}
      {error && <p className="notice error">{error}</p>}
      <DatasetExplorer />
    </Panel>
  );
}
