/**
 * Writes checkpoints in the structure upstream train.py saves (epoch, best_fitness, model, ema, updates,
 * optimizer, opt, git, date, then any extra keys of ours), with model/ema as fp16 models.yolo.DetectionModel
 * objects, and the strip_optimizer form of final weights. Also plain state_dict files.
 */
import { CheckpointError } from './errors';
import type { ModelYaml, OptimizerState, StateDict } from './checkpoint';
import { buildLayers, moduleRecord, siluRecord } from './moduleTree';
import type { Plain, StateTensor } from './pyconvert';
import { NdArray, NpDType, OrderedDict, PyFloat, PyObject, type PyValue, TorchTensor } from './pyvalues';
import { makeTensor } from './tensor';
import { saveTorchFile } from './torchFile';

/** What the writer needs of a model; ModelInfo from readCheckpoint satisfies it. */
export interface CheckpointModel {
  yaml: ModelYaml | null;
  names: string[];
  /** upstream names (model.0.conv.weight ...), NCHW/OIHW row-major data; anchors in grid units */
  stateDict: StateDict;
  nc?: number | null;
  hyp?: Record<string, Plain> | null;
  /** pixels per output level; derived from the yaml when absent */
  stride?: number[] | null;
  classWeights?: Float32Array | null;
  yamlFile?: string | null;
}

export interface CheckpointInput {
  epoch: number;
  best_fitness: number | null;
  model: CheckpointModel | null;
  ema?: CheckpointModel | null;
  updates?: number | null;
  optimizer?: OptimizerState | null;
  /** written only when not undefined (older release files have wandb_id instead of opt/git) */
  opt?: Record<string, Plain> | null;
  git?: Plain;
  wandb_id?: Plain;
  /** isoformat string; absent or null -> now */
  date?: string | null;
  /** further top-level keys (e.g. our RNG state); upstream ignores them */
  extra?: Record<string, PyValue | Plain>;
}

export interface WriteOptions {
  /** top-level folder in the zip; torch uses the file's stem */
  archiveName?: string;
  /** dtype of model/ema weights: 'float16' as train.py saves (default) */
  dtype?: 'float16' | 'float32';
}

/** strip_optimizer: EMA weights become the model, optimizer/ema/updates/best_fitness go, epoch -1. */
export function stripCheckpoint(c: CheckpointInput): CheckpointInput {
  return { ...c, model: c.ema ?? c.model, ema: null, optimizer: null, updates: null, best_fitness: null, epoch: -1 };
}

/** Plain data -> PyValue: objects become dicts; `isFloat(key)` marks integral numbers to keep as floats. */
function fromPlain(v: PyValue | Plain | undefined, isFloat: (key: string) => boolean = () => false, key = '', depth = 0): PyValue {
  if (depth > 64) throw new CheckpointError('write_limit', 'value nested deeper than 64 levels');
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return isFloat(key) ? new PyFloat(v) : v;
  if (Array.isArray(v)) return v.map((x) => fromPlain(x, isFloat, key, depth + 1));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const m = new Map<PyValue, PyValue>();
    for (const [k, x] of Object.entries(v as Record<string, Plain>)) m.set(k, fromPlain(x, isFloat, k, depth + 1));
    return m;
  }
  return v as PyValue;
}

/** hyp values are floats in upstream's hyp yamls (lr0: 0.01, warmup_epochs: 3.0); 'anchors' is a count. */
const hypToPy = (h: Record<string, Plain>): PyValue => fromPlain(h, (k) => k !== 'anchors');
const OPT_FLOATS = new Set(['label_smoothing']);
const optToPy = (o: Record<string, Plain>): PyValue => {
  const m = fromPlain(o, (k) => OPT_FLOATS.has(k)) as Map<PyValue, PyValue>;
  if (o.hyp && typeof o.hyp === 'object' && !Array.isArray(o.hyp)) m.set('hyp', hypToPy(o.hyp));
  return m;
};
const yamlToPy = (y: ModelYaml): PyValue => {
  const m = fromPlain(y as unknown as Plain, (k) => k === 'depth_multiple' || k === 'width_multiple') as Map<PyValue, PyValue>;
  if (!m.has('ch')) m.set('ch', 3); // DetectionModel stores the input channels in its yaml dict
  return m;
};

interface ModelFlags {
  dtype: 'float16' | 'float32';
  training: boolean;
  requiresGrad: boolean;
  act: PyObject;
}

/** A models.yolo.DetectionModel object carrying upstream's attributes. */
export function buildDetectionModel(cm: CheckpointModel, flags: ModelFlags): PyObject {
  if (!cm.yaml) throw new CheckpointError('bad_model', 'writing a model object needs its yaml (a plain state_dict has none)');
  const built = buildLayers(cm.yaml, cm.stateDict, flags);
  const stride = cm.stride ?? built.stride;
  if (stride.length !== built.stride.length) throw new CheckpointError('bad_model', `stride ${JSON.stringify(stride)} does not match the ${built.stride.length} Detect inputs`);
  const layers = built.sequential.get('_modules') as Map<PyValue, PyValue>;
  const detect = [...layers.values()].pop() as PyObject;
  if (detect.__class__ !== 'models.yolo.Detect') throw new CheckpointError('bad_model', 'the last yaml row must be Detect');
  // model.half() converts Detect.stride with the buffers; DetectionModel.stride stays float32.
  detect.__dict__.set('stride', makeTensor(stride, [stride.length], flags.dtype));
  const nc = cm.nc ?? (detect.get('nc') as number);
  const attrs: [string, PyValue][] = [];
  if (cm.yamlFile) attrs.push(['yaml_file', cm.yamlFile]);
  attrs.push(
    ['yaml', yamlToPy(cm.yaml)],
    ['save', built.save],
    ['names', new Map<PyValue, PyValue>(cm.names.map((n, i) => [i, n]))],
    ['inplace', true],
    ['stride', makeTensor(stride, [stride.length], 'float32')],
    ['nc', nc],
  );
  if (cm.hyp) attrs.push(['hyp', hypToPy(cm.hyp)]);
  if (cm.classWeights) attrs.push(['class_weights', makeTensor(cm.classWeights, [cm.classWeights.length], 'float32')]);
  return moduleRecord('models.yolo.DetectionModel', flags.training, { children: [['model', built.sequential]], attrs });
}

/** best_fitness as train.py holds it: numpy float64 array of shape (1,). */
function bestFitnessToPy(v: number | null): PyValue {
  if (v === null) return null;
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, v, true);
  const dt = new NpDType('f8');
  dt.byteorder = '<';
  return new NdArray(dt, Object.freeze([1]), bytes);
}

const stateTensorToPy = (t: StateTensor): TorchTensor => makeTensor(t.data, t.shape, t.dtype ?? 'float32');

function optimizerToPy(o: OptimizerState): PyValue {
  const state = new Map<PyValue, PyValue>();
  for (const [idx, rec] of [...o.state].sort((a, b) => a[0] - b[0])) {
    const m = new Map<PyValue, PyValue>();
    for (const [k, v] of Object.entries(rec)) {
      m.set(k, v && typeof v === 'object' && 'data' in v && v.data instanceof Float32Array ? stateTensorToPy(v as StateTensor) : fromPlain(v as Plain));
    }
    state.set(idx, m);
  }
  // Param-group hyper-parameters are floats in torch (lr, momentum, weight_decay, initial_lr, betas, eps).
  const groups = o.param_groups.map((g) => fromPlain(g as unknown as Plain, (k) => k !== 'params' && k !== 'dampening'));
  return new Map<PyValue, PyValue>([['state', state], ['param_groups', groups]]);
}

/** isoformat() of local time without a zone, as datetime.now().isoformat() prints it. */
function pyNow(): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
}

/**
 * Serialise a checkpoint. Train form when an optimizer or ema is given (model in training mode with
 * requires_grad, ema in eval mode); otherwise the stripped form (model in eval mode, requires_grad False).
 */
export function writeCheckpoint(c: CheckpointInput, opts: WriteOptions = {}): Uint8Array {
  const dtype = opts.dtype ?? 'float16';
  const stripped = !c.optimizer && !c.ema;
  // Conv.default_act is a class attribute: one SiLU object shared by every Conv of a model (model and
  // ema are separate deepcopies, so each has its own).
  const top = new Map<PyValue, PyValue>();
  top.set('epoch', c.epoch);
  top.set('best_fitness', bestFitnessToPy(c.best_fitness));
  top.set('model', c.model ? buildDetectionModel(c.model, { dtype, training: !stripped, requiresGrad: !stripped, act: siluRecord(!stripped) }) : null);
  top.set('ema', c.ema ? buildDetectionModel(c.ema, { dtype, training: false, requiresGrad: false, act: siluRecord(false) }) : null);
  top.set('updates', c.updates ?? null);
  top.set('optimizer', c.optimizer ? optimizerToPy(c.optimizer) : null);
  if (c.wandb_id !== undefined) top.set('wandb_id', fromPlain(c.wandb_id));
  if (c.opt !== undefined) top.set('opt', c.opt ? optToPy(c.opt) : null);
  if (c.git !== undefined) top.set('git', fromPlain(c.git));
  top.set('date', c.date ?? pyNow());
  for (const [k, v] of Object.entries(c.extra ?? {})) {
    if (top.has(k)) throw new CheckpointError('write_limit', `extra key '${k}' collides with a checkpoint key`);
    top.set(k, fromPlain(v));
  }
  return saveTorchFile(top, opts.archiveName);
}

/** torch.save(model.state_dict()): an OrderedDict of tensors; each keeps its dtype unless `dtype` is given. */
export function writeStateDict(sd: StateDict, opts: WriteOptions = {}): Uint8Array {
  const d = new OrderedDict();
  for (const [k, t] of sd) d.set(k, makeTensor(t.data, t.shape, t.dtype === 'int64' || !opts.dtype ? t.dtype ?? 'float32' : opts.dtype));
  return saveTorchFile(d, opts.archiveName);
}
