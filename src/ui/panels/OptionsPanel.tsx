// Step 3: the train options (upstream train.py's flags), the common ones first, the rest folded away, with every
// problem explained inline next to the field it is about.
import type { ReactNode } from 'react';
import { OPTIMIZERS, type OptimizerName } from '../../core/config/trainOptions';
import { Panel } from '../Panel';
import { useStudio } from '../store';
import { useSettingProblems } from '../useSettingProblems';
import { runShape } from '../validation';

type NumberKey = 'epochs' | 'batch_size' | 'imgsz' | 'label_smoothing' | 'patience' | 'save_period' | 'seed';
type BoolKey = 'cos_lr' | 'rect' | 'multi_scale' | 'single_cls' | 'image_weights' | 'noval' | 'noautoanchor';

function Problems({ keyName }: { keyName: string }) {
  const problems = useSettingProblems().filter((p) => p.key === keyName);
  return (
    <>
      {problems.map((p) => (
        <div key={p.text} className={`hint notice ${p.level === 'error' ? 'error' : 'warn'}`} data-testid={`problem-${keyName}`}>{p.text}</div>
      ))}
    </>
  );
}

function NumberField({ k, label, hint, step = 1, min }: { k: NumberKey; label: string; hint?: ReactNode; step?: number; min?: number }) {
  const value = useStudio((s) => s.options[k]);
  const training = useStudio((s) => s.view?.live ?? false);
  const invalid = useSettingProblems().some((p) => p.key === k && p.level === 'error');
  return (
    <>
      <label htmlFor={`opt-${k}`}>{label}</label>
      <input
        id={`opt-${k}`} type="number" step={step} min={min} value={Number.isNaN(value) ? '' : value} disabled={training}
        className={invalid ? 'invalid' : ''}
        onChange={(e) => useStudio.getState().setOption(k, e.target.value === '' ? NaN : Number(e.target.value))}
      />
      {hint && <div className="hint">{hint}</div>}
      <Problems keyName={k} />
    </>
  );
}

function BoolField({ k, label, hint }: { k: BoolKey; label: string; hint: string }) {
  const value = useStudio((s) => s.options[k]);
  const training = useStudio((s) => s.view?.live ?? false);
  return (
    <>
      <label htmlFor={`opt-${k}`}>{label}</label>
      <span className="row">
        <input id={`opt-${k}`} type="checkbox" checked={value} disabled={training} onChange={(e) => useStudio.getState().setOption(k, e.target.checked)} />
        <small>{hint}</small>
      </span>
      <Problems keyName={k} />
    </>
  );
}

function RunShape() {
  const options = useStudio((s) => s.options);
  const hyp = useStudio((s) => s.hyp);
  const train = useStudio((s) => s.datasets.find((d) => d.id === s.selectedDatasetId)?.images.train);
  const text = runShape(options, hyp, train);
  return text ? <p className="notice info" data-testid="run-shape">{text}</p> : null;
}

export function OptionsPanel() {
  const optimizer = useStudio((s) => s.options.optimizer);
  const cache = useStudio((s) => s.options.cache);
  const training = useStudio((s) => s.view?.live ?? false);
  const setOption = useStudio.getState().setOption;
  return (
    <Panel title="Training" step={3} testId="panel-options">
      <div className="form-grid">
        <NumberField k="epochs" label="Epochs" min={1} hint="passes over the train images" />
        <NumberField k="batch_size" label="Batch size" min={1} hint="images per step; larger needs more memory" />
        <NumberField k="imgsz" label="Image size" step={32} min={64} hint="pixels (multiple of 32); smaller trains faster" />
        <Problems keyName="dataset" />
      </div>
      <RunShape />
      <details>
        <summary>More options</summary>
        <div className="form-grid">
          <label htmlFor="opt-optimizer">Optimizer</label>
          <select id="opt-optimizer" value={optimizer} disabled={training} onChange={(e) => setOption('optimizer', e.target.value as OptimizerName)}>
            {OPTIMIZERS.map((o) => <option key={o}>{o}</option>)}
          </select>
          <Problems keyName="optimizer" />
          <BoolField k="cos_lr" label="Cosine LR" hint="cosine instead of linear learning-rate decay" />
          <BoolField k="rect" label="Rectangular" hint="train on letterboxed rectangles, no mosaic" />
          <BoolField k="multi_scale" label="Multi-scale" hint="vary the image size ±50% per batch" />
          <BoolField k="single_cls" label="Single class" hint="treat every class as one" />
          <BoolField k="image_weights" label="Image weights" hint="draw images of poorly detected classes more often" />
          <BoolField k="noval" label="Validate last only" hint="skip validation until the final epoch" />
          <BoolField k="noautoanchor" label="No AutoAnchor" hint="keep the model's anchors as they are" />
          <label htmlFor="opt-cache">Image cache</label>
          <select id="opt-cache" value={cache ?? 'none'} disabled={training} onChange={(e) => setOption('cache', e.target.value === 'ram' ? 'ram' : null)}>
            <option value="ram">decoded images in memory (faster)</option>
            <option value="none">decode every time (less memory)</option>
          </select>
          <NumberField k="label_smoothing" label="Label smoothing" step={0.05} min={0} hint="0 to 1 (exclusive)" />
          <NumberField k="patience" label="Patience" min={0} hint="stop after this many epochs without improvement (0: never)" />
          <NumberField k="save_period" label="Save period" hint="also keep epochN.pt every N epochs (-1: never)" />
          <NumberField k="seed" label="Seed" hint="same seed, same run" />
        </div>
      </details>
    </Panel>
  );
}
