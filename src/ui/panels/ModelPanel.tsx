// Step 2: which YOLOv5 to train, from scratch or starting from a dropped .pt (transfer learning).
import { MODEL_NAMES, type ModelName } from '../../core/model/configs';
import { Panel } from '../Panel';
import { useStudio } from '../store';

/** Upstream's README sizes (80 classes): what a newcomer weighs the choice by. */
const MODEL_NOTES: Record<ModelName, string> = {
  yolov5n: 'nano, 1.9M parameters: fastest, best for the browser',
  yolov5s: 'small, 7.2M parameters',
  yolov5m: 'medium, 21.2M parameters: slow without a GPU',
  yolov5l: 'large, 46.5M parameters: needs a real GPU',
  yolov5x: 'extra large, 86.7M parameters: needs a real GPU',
};

export function ModelPanel() {
  const model = useStudio((s) => s.model);
  const weights = useStudio((s) => s.weights);
  const freeze = useStudio((s) => s.options.freeze);
  const training = useStudio((s) => s.view?.live ?? false);
  const { setModel, setWeights, setOption } = useStudio.getState();
  return (
    <Panel title="Model" step={2} testId="panel-model">
      <div className="form-grid">
        <label htmlFor="model">Architecture</label>
        <select id="model" value={model} disabled={training || weights !== null} onChange={(e) => setModel(e.target.value as ModelName)}>
          {MODEL_NAMES.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
        <div className="hint">{weights ? 'taken from the .pt file' : MODEL_NOTES[model]}</div>

        <label htmlFor="weights">Start from</label>
        <div className="row">
          {weights ? (
            <>
              <span title={weights.name}>{weights.name}</span>
              <button className="link" disabled={training} onClick={() => setWeights(null)}>use scratch</button>
            </>
          ) : (
            <>
              <span>scratch (random weights)</span>
              <label className="link" style={{ color: 'var(--accent)', cursor: 'pointer' }}>
                or a .pt…
                <input
                  id="weights" type="file" accept=".pt" hidden disabled={training}
                  onChange={(e) => setWeights(e.target.files?.[0] ?? null)}
                />
              </label>
            </>
          )}
        </div>
        <div className="hint">
          {weights
            ? 'Matching layers are copied from the file (the log says how many); the detection head is rebuilt for your classes.'
            : 'A YOLOv5 .pt (e.g. upstream yolov5n.pt) trains much faster than scratch.'}
        </div>

        <label htmlFor="freeze">Freeze</label>
        <select
          id="freeze" value={freeze.length === 1 ? String(freeze[0]) : 'custom'} disabled={training}
          onChange={(e) => setOption('freeze', [Number(e.target.value)])}
        >
          <option value="0">nothing (train all layers)</option>
          <option value="10">backbone (layers 0-9)</option>
        </select>
        <div className="hint">Freezing the backbone only makes sense when starting from a .pt.</div>
      </div>
    </Panel>
  );
}
