// Bringing a dataset in: drop a folder, loose files or a .zip (YOLO data.yaml, COCO json, Pascal VOC xml, Darknet
// obj.data, or images + labels + classes.txt), or pick them; then what the verification kept, fixed and dropped.
import { useState } from 'react';
import type { ImportSummary } from '../../protocol/messages';
import { filesFromDrop, filesFromInput } from '../dropFiles';
import { useStudio } from '../store';

const PHASES = { reading: 'Reading files', verifying: 'Checking images and labels', writing: 'Storing in the browser' };
const SHOWN_PROBLEMS = 50;

function ImportReport({ s }: { s: ImportSummary }) {
  const dropped = s.problems.filter((p) => p.action === 'dropped').length;
  return (
    <div className="notice info" data-testid="import-report">
      <div>
        Imported <b>{s.name}</b> ({s.format}): {s.images.train} train, {s.images.val} val{s.images.test ? `, ${s.images.test} test` : ''} images
        {s.autoSplit ? ' (val split off train: the dataset had none)' : ''}.
      </div>
      {s.notes.map((n) => <div key={n}>{n}</div>)}
      {s.problems.length > 0 && (
        <details open={dropped > 0}>
          <summary>{dropped} file(s) left out, {s.problems.length - dropped} fixed or worth a look</summary>
          <ul data-testid="import-problems">
            {s.problems.slice(0, SHOWN_PROBLEMS).map((p, i) => (
              <li key={i}>
                <b>{p.action}</b>{p.split ? ` (${p.split})` : ''} {p.file}{p.line ? `:${p.line}` : ''}: {p.message}
              </li>
            ))}
            {s.problems.length > SHOWN_PROBLEMS && <li>… and {s.problems.length - SHOWN_PROBLEMS} more</li>}
          </ul>
        </details>
      )}
    </div>
  );
}

export function DropZone() {
  const importing = useStudio((s) => s.importing);
  const lastImport = useStudio((s) => s.lastImport);
  const training = useStudio((s) => s.view?.live ?? false);
  const { importFiles, cancelImport } = useStudio.getState();
  const [over, setOver] = useState(false);
  const busy = importing !== null;
  return (
    <>
      <div
        className={`dropzone${over ? ' over' : ''}`} data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (!busy) void filesFromDrop(e.dataTransfer).then(importFiles);
        }}
      >
        {importing ? (
          <div className="row spread" style={{ width: '100%' }}>
            <span data-testid="import-progress">{PHASES[importing.phase]}… {importing.done}/{importing.total}</span>
            <button onClick={cancelImport} disabled={importing.id < 0}>Cancel</button>
          </div>
        ) : (
          <>
            <div>Drop your dataset here: a folder or a .zip</div>
            <small>YOLO (data.yaml), COCO json, Pascal VOC, Darknet, or images with labels and classes.txt</small>
            <div className="row">
              <label className="button-like">
                Choose a folder…
                <input type="file" hidden disabled={training} data-testid="folder-input"
                  {...({ webkitdirectory: '' } as Record<string, string>)}
                  onChange={(e) => {
                    const files = filesFromInput(e.target.files);
                    e.target.value = '';
                    void importFiles(files);
                  }} />
              </label>
              <label className="button-like">
                Choose a .zip or files…
                <input type="file" hidden multiple disabled={training} data-testid="file-input"
                  onChange={(e) => {
                    const files = filesFromInput(e.target.files);
                    e.target.value = '';
                    void importFiles(files);
                  }} />
              </label>
            </div>
          </>
        )}
      </div>
      {lastImport && !busy && <ImportReport s={lastImport} />}
    </>
  );
}
