// Hyperparameters: every key of upstream's hyp.yaml as a slider over its evolve range plus an exact number field,
// grouped, with the yaml's comment; presets scratch-low/med/high, reset, and hyp.yaml import / export; and a preview
// of the training samples the augmentation settings make.
import { useRef, useState } from 'react';
import { EVOLVE_META } from '../../core/config/evolveMeta';
import { hypValueProblem, parseHypYaml, writeHypYaml } from '../../core/config/hypYaml';
import { HYP_COMMENTS, HYP_PRESET_NAMES, hypPreset, isHypPresetName, type HypKey } from '../../core/config/hyps';
import { downloadBlob } from '../downloads';
import { Panel } from '../Panel';
import { useStudio } from '../store';
import { AugPreview } from './hyp/AugPreview';

const GROUPS: { title: string; keys: HypKey[] }[] = [
  { title: 'Optimisation', keys: ['lr0', 'lrf', 'momentum', 'weight_decay', 'warmup_epochs', 'warmup_momentum', 'warmup_bias_lr'] },
  { title: 'Loss gains', keys: ['box', 'cls', 'cls_pw', 'obj', 'obj_pw', 'iou_t', 'anchor_t', 'anchors', 'fl_gamma'] },
  {
    title: 'Augmentation',
    keys: ['hsv_h', 'hsv_s', 'hsv_v', 'degrees', 'translate', 'scale', 'shear', 'perspective', 'flipud', 'fliplr', 'mosaic', 'mixup', 'copy_paste'],
  },
];

/** Slider bounds: the evolve range, widened to include the current value. */
function range(key: HypKey, value: number): { min: number; max: number; step: number } {
  if (key === 'anchors') return { min: 0, max: 10, step: 1 };
  const m = EVOLVE_META[key];
  const min = Math.min(m.lower, value);
  const max = Math.max(m.upper, value);
  return { min, max, step: (max - min) / 200 || 0.001 };
}

/** `reference`: the preset's value (null when the values came from an imported file: nothing to compare to). */
function HypRow({ k, reference }: { k: HypKey; reference: number | undefined | null }) {
  const value = useStudio((s) => s.hyp[k]);
  const training = useStudio((s) => s.view?.live ?? false);
  const setHyp = useStudio.getState().setHyp;
  const shown = value ?? 0;
  const r = range(k, Number.isFinite(shown) ? shown : 0);
  const problem = value === undefined ? null : hypValueProblem(k, value);
  const changed = reference !== null && (reference ?? 0) !== shown;
  // anchors 0 means "keep the model's anchors", which the yaml writes by leaving the key out.
  const set = (v: number) => setHyp(k, k === 'anchors' && v === 0 ? undefined : v);
  return (
    <div className="hyp-row" data-testid={`hyp-${k}`}>
      <label className={`key${changed ? ' changed' : ''}`} htmlFor={`hyp-${k}`} title={changed ? `preset: ${reference ?? 0}` : undefined}>
        {k}
      </label>
      <input type="range" min={r.min} max={r.max} step={r.step} value={Number.isFinite(shown) ? shown : r.min} disabled={training}
        aria-label={`${k} slider`} onChange={(e) => set(Number(e.target.value))} />
      <input id={`hyp-${k}`} type="number" step="any" value={Number.isNaN(shown) ? '' : shown} disabled={training}
        className={problem ? 'invalid' : ''} onChange={(e) => set(e.target.value === '' ? NaN : Number(e.target.value))} />
      <div className="comment">
        {HYP_COMMENTS[k]}
        {k === 'anchors' ? '; 0 keeps the model\'s' : ''} · evolve range {EVOLVE_META[k].lower}–{EVOLVE_META[k].upper}
      </div>
      {problem && <div className="problem">{k} {problem}</div>}
    </div>
  );
}

export function HypPanel() {
  const preset = useStudio((s) => s.hypPreset);
  const hyp = useStudio((s) => s.hyp);
  const training = useStudio((s) => s.view?.live ?? false);
  const { applyPreset, importHyp } = useStudio.getState();
  const [importError, setImportError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const reference = isHypPresetName(preset) ? hypPreset(preset) : null;

  async function onImport(file: File | undefined) {
    if (!file) return;
    try {
      importHyp(parseHypYaml(await file.text(), file.name), file.name);
      setImportError(null);
    } catch (err) {
      setImportError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <Panel title="Hyperparameters" testId="panel-hyp">
      <div className="row">
        <label htmlFor="hyp-preset">Preset</label>
        <select id="hyp-preset" value={isHypPresetName(preset) ? preset : ''} disabled={training} onChange={(e) => applyPreset(e.target.value)}>
          {!isHypPresetName(preset) && <option value="">{preset}</option>}
          {HYP_PRESET_NAMES.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <button disabled={training || !reference} onClick={() => applyPreset(preset)} title="back to the preset's values">Reset</button>
        <button disabled={training} onClick={() => fileInput.current?.click()}>Import hyp.yaml</button>
        <input ref={fileInput} type="file" accept=".yaml,.yml" hidden onChange={(e) => void onImport(e.target.files?.[0])} />
        <button onClick={() => downloadBlob(new Blob([writeHypYaml(hyp, { comments: true })], { type: 'text/yaml' }), 'hyp.yaml')}>
          Export
        </button>
      </div>
      <small>scratch-low suits yolov5n/s, med yolov5m, high yolov5l/x. A dot marks a value changed from the preset.</small>
      {importError && <p className="notice error">{importError}</p>}
      <AugPreview />
      <details>
        <summary>Show all {GROUPS.reduce((n, g) => n + g.keys.length, 0)} hyperparameters</summary>
        {GROUPS.map((g) => (
          <div key={g.title}>
            <h3>{g.title}</h3>
            {g.keys.map((k) => <HypRow key={k} k={k} reference={reference ? reference[k] : null} />)}
          </div>
        ))}
      </details>
    </Panel>
  );
}
