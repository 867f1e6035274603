// Bringing a dataset in: drop a folder, loose files or a .zip (YOLO data.yaml, COCO json, Pascal VOC xml, Darknet
// obj.data, or images + labels + classes.txt), or pick them; then what the verification kept, fixed and dropped.
import type { ImportSummary } from '../../protocol/messages';
import { useDropTarget } from '../useDropTarget';
import { importProgressText, problemsLine } from '../progressText';
import { useStudio } from '../store';

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
          <summary data-testid="import-problems-summary">{problemsLine(s.problems)}</summary>
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
  const busy = importing !== null;
  const drop = useDropTarget(importFiles, busy);
  return (
    <>
      <div
        className={`dropzone${drop.over ? ' over' : ''}`} data-testid="dropzone"
        {...drop.handlers}
      >
        {importing ? (
          <div className="row spread" style={{ width: '100%' }}>
            <span data-testid="import-progress">{importProgressText(importing)}</span>
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
                  onChange={drop.onInput} />
              </label>
              <label className="button-like">
                Choose a .zip or files…
                <input type="file" hidden multiple disabled={training} data-testid="file-input"
                  onChange={drop.onInput} />
              </label>
            </div>
          </>
        )}
      </div>
      {lastImport && !busy && <ImportReport s={lastImport} />}
    </>
  );
}
