// The custom model yaml of the Model panel: pasted into a textarea, or a .yaml file dropped on it / picked. The
// worker parses and summarizes it (debounced, so typing stays smooth) with the dataset's nc; the parser's error, with
// its line, is shown right under the text.
import { useEffect } from 'react';
import { toPlainError, type DroppedFile } from '../../../protocol/messages';
import { customYamlName, type ModelYamlSummary } from '../../../protocol/modelSetup';
import { useStudio } from '../../store';
import { trainerClient } from '../../trainerClient';
import { useDropTarget } from '../../useDropTarget';
import './model.css';

/** Quiet time after the last keystroke before the worker checks the text. */
const CHECK_DELAY_MS = 250;

/** Checks the text in the worker whenever it, its name or the dataset's class count changes. */
function useModelCheck(text: string | undefined, name: string | undefined, nc: number | undefined): void {
  useEffect(() => {
    if (text === undefined || !text.trim()) return;
    const timer = setTimeout(() => {
      const record = useStudio.getState().setModelCheck;
      trainerClient()
        .checkModelYaml({ text, fileName: customYamlName(name), ...(nc ? { nc } : {}) })
        .then((check) => record(text, check), (err: unknown) => record(text, { ok: false, error: toPlainError(err) }));
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, name, nc]);
}

function summaryLine(s: ModelYamlSummary): string {
  const nc = s.yamlNc === s.nc ? `nc ${s.nc}` : `nc ${s.yamlNc} in the yaml, the dataset's ${s.nc} used (as upstream overrides it)`;
  return (
    `${s.name} summary: ${s.layers} layers, ${s.parameters.toLocaleString('en-US')} parameters, ${s.gflops.toFixed(1)} GFLOPs ` +
    `at ${s.imgsz} px · ${s.rows} rows, depth ${s.depth_multiple}, width ${s.width_multiple}, strides ${s.strides.join('/')} · ${nc}`
  );
}

export function CustomModelEditor({ disabled }: { disabled: boolean }) {
  const custom = useStudio((s) => s.customModel);
  const check = useStudio((s) => s.modelCheck);
  const nc = useStudio((s) => s.datasets.find((d) => d.id === s.selectedDatasetId)?.nc);
  const { setCustomModel } = useStudio.getState();
  useModelCheck(custom?.text, custom?.name, nc);

  const loadFile = async (files: DroppedFile[]) => {
    const f = files.find((x) => /\.ya?ml$/i.test(x.path)) ?? files[0];
    if (f) setCustomModel({ name: f.file.name, text: await f.file.text() });
  };
  const drop = useDropTarget(loadFile, disabled);
  if (!custom) return null;
  const current = check && check.text === custom.text ? check.check : null;

  return (
    <>
      <label htmlFor="model-yaml">Model yaml</label>
      <div className={`yaml-editor${drop.over ? ' over' : ''}`} {...drop.handlers}>
        <div className="row">
          <input
            id="model-yaml-name" aria-label="Model yaml file name" value={custom.name} disabled={disabled}
            onChange={(e) => setCustomModel({ ...custom, name: e.target.value })}
          />
          <label className="link" style={{ color: 'var(--accent)', cursor: 'pointer' }}>
            pick a .yaml…
            <input type="file" accept=".yaml,.yml" hidden disabled={disabled} data-testid="model-yaml-file" onChange={drop.onInput} />
          </label>
          <span className="muted">or drop one here</span>
        </div>
        <textarea
          id="model-yaml" data-testid="model-yaml" spellCheck={false} rows={12} value={custom.text} disabled={disabled}
          className={current && !current.ok ? 'invalid' : ''}
          onChange={(e) => setCustomModel({ ...custom, text: e.target.value })}
        />
      </div>
      {!current && <div className="hint" data-testid="model-yaml-checking">{custom.text.trim() ? 'Checking the yaml…' : 'Paste a model yaml, or pick / drop a .yaml file.'}</div>}
      {current?.ok && <div className="hint" data-testid="model-yaml-summary">{summaryLine(current.summary)}</div>}
      {current && !current.ok && (
        <div className="notice error yaml-check" data-testid="model-yaml-error" data-line={current.line ?? ''}>
          {current.error.message}
        </div>
      )}
    </>
  );
}
