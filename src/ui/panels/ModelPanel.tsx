// Step 2: which YOLOv5 to train (a built-in size or a custom upstream-format yaml), from scratch or starting from a
// dropped .pt or a stored run's checkpoint (transfer learning).
import { MODEL_NAMES, type ModelName } from '../../core/model/configs';
import { customYamlName } from '../../protocol/modelSetup';
import { Panel } from '../Panel';
import { useStudio } from '../store';
import { CustomModelEditor } from './model/CustomModelEditor';
import { builtinYamlText } from './model/modelYamlText';
import { StartFrom } from './model/StartFrom';

/** Upstream's README sizes (80 classes): what a newcomer weighs the choice by. */
const MODEL_NOTES: Record<ModelName, string> = {
  yolov5n: 'nano, 1.9M parameters: fastest, best for the browser',
  yolov5s: 'small, 7.2M parameters',
  yolov5m: 'medium, 21.2M parameters: slow without a GPU',
  yolov5l: 'large, 46.5M parameters: needs a real GPU',
  yolov5x: 'extra large, 86.7M parameters: needs a real GPU',
};

const CUSTOM = 'custom';

export function ModelPanel() {
  const model = useStudio((s) => s.model);
  const custom = useStudio((s) => s.customModel);
  const fromWeights = useStudio((s) => s.weights !== null || s.storedWeights !== null);
  const freeze = useStudio((s) => s.options.freeze);
  const training = useStudio((s) => s.view?.live ?? false);
  const { setModel, setCustomModel, setOption } = useStudio.getState();

  const chooseArchitecture = (v: string) => {
    if (v !== CUSTOM) {
      setCustomModel(null);
      setModel(v as ModelName);
    } else if (!custom) {
      // Start editing from the size chosen so far, as upstream users copy models/yolov5n.yaml.
      setCustomModel({ name: customYamlName(`${model}-custom`), text: builtinYamlText(model) });
    }
  };
  const hint = custom
    ? fromWeights
      ? 'your yaml; matching layers of the checkpoint are copied into it (upstream --cfg with --weights)'
      : 'your yaml, trained from scratch (upstream --cfg)'
    : fromWeights
      ? "taken from the checkpoint (its own yaml): choose 'custom yaml' to train another architecture from it"
      : MODEL_NOTES[model];

  return (
    <Panel title="Model" step={2} testId="panel-model">
      <div className="form-grid">
        <label htmlFor="model">Architecture</label>
        <select
          id="model" value={custom ? CUSTOM : model} disabled={training}
          onChange={(e) => chooseArchitecture(e.target.value)}
        >
          {fromWeights && !custom
            ? <option value={model}>the checkpoint's own</option>
            : MODEL_NAMES.map((m) => <option key={m} value={m}>{m}</option>)}
          <option value={CUSTOM}>custom yaml…</option>
        </select>
        <div className="hint">{hint}</div>
        <CustomModelEditor disabled={training} />

        <StartFrom disabled={training} />

        <label htmlFor="freeze">Freeze</label>
        <select
          id="freeze" value={freeze.length === 1 ? String(freeze[0]) : 'custom'} disabled={training}
          onChange={(e) => setOption('freeze', [Number(e.target.value)])}
        >
          <option value="0">nothing (train all layers)</option>
          <option value="10">backbone (layers 0-9)</option>
        </select>
        <div className="hint">Freezing the backbone only makes sense when starting from a checkpoint.</div>
      </div>
    </Panel>
  );
}
