/**
 * YOLOv5 .pt checkpoints as data: what train.py saves each epoch ('train'), what strip_optimizer leaves
 * ('stripped': epoch -1, EMA weights as model, no optimizer), and plain torch.save(model.state_dict())
 * files ('state_dict'). Weights come back as a state_dict with upstream key names, widened to float32.
 */
import { CheckpointError } from './errors';
import { SUPPORTED_MODULE_CLASSES } from './globals';
import { type Plain, type StateTensor, toNumber, toPlain, toStateTensor, walkModule } from './pyconvert';
import { PyObject, type PyValue, TorchTensor, type TorchDType } from './pyvalues';
import { type LoadOptions, loadTorchFile } from './torchFile';

export type { StateTensor } from './pyconvert';
export type StateDict = Map<string, StateTensor>;

/** One row of a model yaml: [from, number, module, args]. */
export type YamlRow = [number | number[], number, string, Plain[]];

export interface ModelYaml {
  nc: number;
  depth_multiple: number;
  width_multiple: number;
  anchors: number[][] | number;
  backbone: YamlRow[];
  head: YamlRow[];
  ch?: number;
  [key: string]: Plain | undefined;
}

export interface ModelInfo {
  /** 'models.yolo.DetectionModel' (v7), 'models.yolo.Model' (older releases), null for plain state_dicts */
  className: string | null;
  yaml: ModelYaml | null;
  yamlFile: string | null;
  names: string[];
  nc: number | null;
  /** per output level, pixels (8, 16, 32) */
  stride: number[] | null;
  /** (nl, na, 2) in grid units (pixels / stride), from the Detect anchors buffer */
  anchors: number[][][] | null;
  stateDict: StateDict;
  /** names in stateDict that are nn.Parameters (the rest are buffers) */
  parameterNames: Set<string>;
  hyp: Record<string, Plain> | null;
  classWeights: Float32Array | null;
  /** dtype of the floating-point weights in the file */
  dtype: TorchDType;
  requiresGrad: boolean;
  training: boolean;
  /** module classes in the tree we cannot build (callers should refuse the model) */
  unsupportedModules: string[];
}

export interface OptimizerState {
  /** torch param groups; `params` are indices into the optimizer's flat parameter order */
  param_groups: Array<Record<string, Plain> & { params: number[] }>;
  /** per parameter index, e.g. { momentum_buffer } for SGD */
  state: Map<number, Record<string, StateTensor | Plain>>;
}

export interface Checkpoint {
  fileName: string;
  kind: 'train' | 'stripped' | 'state_dict';
  epoch: number | null;
  best_fitness: number | null;
  updates: number | null;
  date: string | null;
  /** absent in older release files (which carry wandb_id instead) */
  opt?: Record<string, Plain> | null;
  git?: Plain;
  wandb_id?: Plain;
  model: ModelInfo | null;
  ema: ModelInfo | null;
  optimizer: OptimizerState | null;
  /** union over model and ema */
  unsupportedModules: string[];
  /** top-level keys we do not model (e.g. our own RNG state), raw */
  extra: Map<string, PyValue>;
  raw: PyValue;
}

const KNOWN_KEYS = new Set(['epoch', 'best_fitness', 'model', 'ema', 'updates', 'optimizer', 'opt', 'git', 'date', 'wandb_id']);

function plainRecord(v: PyValue | undefined, what: string): Record<string, Plain> | null {
  const p = toPlain(v, what);
  if (p === null) return null;
  if (typeof p !== 'object' || Array.isArray(p)) throw new CheckpointError('not_checkpoint', `${what} is not a dict`);
  return p;
}

function namesOf(v: PyValue | undefined, nc: number | null, what: string): string[] {
  const p = toPlain(v, what);
  if (Array.isArray(p)) return p.map(String);
  if (p && typeof p === 'object') {
    const keys = Object.keys(p).map(Number);
    const n = Math.max(nc ?? 0, ...keys.map((k) => k + 1));
    return Array.from({ length: n }, (_, i) => (i in p ? String(p[i]) : String(i)));
  }
  return nc ? Array.from({ length: nc }, (_, i) => `class${i}`) : [];
}

function anchorsFrom(t: StateTensor | undefined): number[][][] | null {
  if (!t || t.shape.length !== 3 || t.shape[2] !== 2) return null;
  const [nl, na] = t.shape;
  return Array.from({ length: nl }, (_, i) => Array.from({ length: na }, (_, j) => [t.data[(i * na + j) * 2], t.data[(i * na + j) * 2 + 1]]));
}

/** nc from the Detect output convs: out channels = na * (nc + 5). */
function ncFromStateDict(sd: StateDict, anchors: number[][][] | null): number | null {
  const detect = [...sd.keys()].find((k) => /\.m\.0\.weight$/.test(k) && sd.get(k.replace(/m\.0\.weight$/, 'anchors')));
  if (!detect || !anchors) return null;
  const out = sd.get(detect)!.shape[0];
  const na = anchors[0].length;
  return out % na === 0 && out / na > 5 ? out / na - 5 : null;
}

function firstFloatDType(sd: StateDict): TorchDType {
  for (const t of sd.values()) if (t.dtype !== 'int64') return t.dtype ?? 'float32';
  return 'float32';
}

/** ModelInfo from a pickled DetectionModel/Model object. */
export function modelInfoFromObject(obj: PyObject, where: string): ModelInfo {
  const walk = walkModule(obj, where);
  const stateDict: StateDict = new Map();
  const parameterNames = new Set<string>();
  let requiresGrad = false;
  for (const [name, { tensor, isParameter }] of walk.tensors) {
    stateDict.set(name, toStateTensor(tensor));
    if (isParameter) {
      if (!parameterNames.size) requiresGrad = tensor.requiresGrad;
      parameterNames.add(name);
    }
  }
  const unsupported = new Set<string>();
  for (const { obj: m } of walk.modules) if (!SUPPORTED_MODULE_CLASSES.has(m.__class__)) unsupported.add(m.__class__);
  const yaml = plainRecord(obj.get('yaml'), `${where}: model.yaml`) as ModelYaml | null;
  const anchorKey = [...stateDict.keys()].find((k) => k.endsWith('.anchors'));
  const anchors = anchorsFrom(anchorKey ? stateDict.get(anchorKey) : undefined);
  const nc = toNumber(obj.get('nc'), `${where}: model.nc`) ?? (yaml && typeof yaml.nc === 'number' ? yaml.nc : null) ?? ncFromStateDict(stateDict, anchors);
  let stride: number[] | null = null;
  const s = obj.get('stride');
  if (s instanceof TorchTensor) stride = toPlain(s, where) as number[];
  const cw = obj.get('class_weights');
  const yamlFile = obj.get('yaml_file');
  return {
    className: obj.__class__,
    yaml,
    yamlFile: typeof yamlFile === 'string' ? yamlFile : null,
    names: namesOf(obj.get('names'), nc, `${where}: model.names`),
    nc,
    stride,
    anchors,
    stateDict,
    parameterNames,
    hyp: plainRecord(obj.get('hyp'), `${where}: model.hyp`),
    classWeights: cw instanceof TorchTensor ? toStateTensor(cw).data : null,
    dtype: firstFloatDType(stateDict),
    requiresGrad,
    training: obj.get('training') === true,
    unsupportedModules: [...unsupported].sort(),
  };
}

/** ModelInfo from a plain state_dict (name -> tensor). */
export function modelInfoFromStateDict(map: Map<PyValue, PyValue>, where: string): ModelInfo {
  const stateDict: StateDict = new Map();
  for (const [k, v] of map) {
    if (typeof k !== 'string' || !(v instanceof TorchTensor)) throw new CheckpointError('not_checkpoint', `${where}: state_dict entry ${String(k)} is not a named tensor`);
    stateDict.set(k, toStateTensor(v));
  }
  const anchorKey = [...stateDict.keys()].find((k) => k.endsWith('.anchors'));
  const anchors = anchorsFrom(anchorKey ? stateDict.get(anchorKey) : undefined);
  const nc = ncFromStateDict(stateDict, anchors);
  return {
    className: null, yaml: null, yamlFile: null, names: namesOf(undefined, nc, where), nc, stride: null, anchors, stateDict,
    parameterNames: new Set([...stateDict.keys()].filter((k) => !/(running_mean|running_var|num_batches_tracked|anchors)$/.test(k))),
    hyp: null, classWeights: null, dtype: firstFloatDType(stateDict), requiresGrad: false, training: false, unsupportedModules: [],
  };
}

function isStateDictMap(v: PyValue | undefined): v is Map<PyValue, PyValue> {
  return v instanceof Map && v.size > 0 && [...v].every(([k, t]) => typeof k === 'string' && t instanceof TorchTensor);
}

function optimizerOf(v: PyValue | undefined, where: string): OptimizerState | null {
  if (v === undefined || v === null) return null;
  if (!(v instanceof Map)) throw new CheckpointError('not_checkpoint', `${where}: optimizer is not a dict`);
  const groups = toPlain(v.get('param_groups'), `${where}: optimizer.param_groups`);
  if (!Array.isArray(groups)) throw new CheckpointError('not_checkpoint', `${where}: optimizer.param_groups is not a list`);
  const state = new Map<number, Record<string, StateTensor | Plain>>();
  const rawState = v.get('state');
  if (rawState instanceof Map) {
    for (const [idx, entry] of rawState) {
      if (typeof idx !== 'number' || !(entry instanceof Map)) throw new CheckpointError('not_checkpoint', `${where}: optimizer.state entry ${String(idx)} is malformed`);
      const rec: Record<string, StateTensor | Plain> = {};
      for (const [k, x] of entry) rec[String(k)] = x instanceof TorchTensor ? toStateTensor(x) : toPlain(x, `${where}: optimizer.state`);
      state.set(idx, rec);
    }
  }
  return { param_groups: groups as OptimizerState['param_groups'], state };
}

/** Parse a torch checkpoint. Throws CheckpointError for malformed or unsafe files. */
export function readCheckpoint(bytes: Uint8Array, fileName: string, opts: LoadOptions = {}): Checkpoint {
  const file = loadTorchFile(bytes, fileName, opts);
  const top = file.value;
  const base = { fileName, raw: top, extra: new Map<string, PyValue>() };
  if (!(top instanceof Map)) throw new CheckpointError('not_checkpoint', `${fileName}: top-level object is not a dict`);
  if (!top.has('model') && isStateDictMap(top)) {
    const model = modelInfoFromStateDict(top, fileName);
    return { ...base, kind: 'state_dict', epoch: null, best_fitness: null, updates: null, date: null, model, ema: null, optimizer: null, unsupportedModules: [] };
  }
  if (!top.has('model')) throw new CheckpointError('not_checkpoint', `${fileName}: neither a checkpoint (no 'model' key) nor a state_dict of tensors`);
  const info = (key: 'model' | 'ema'): ModelInfo | null => {
    const v = top.get(key);
    if (v === null || v === undefined) return null;
    if (v instanceof PyObject) return modelInfoFromObject(v, `${fileName}: ${key}`);
    if (isStateDictMap(v)) return modelInfoFromStateDict(v, `${fileName}: ${key}`);
    throw new CheckpointError('not_checkpoint', `${fileName}: '${key}' is neither a model object nor a state_dict`);
  };
  const model = info('model');
  const ema = info('ema');
  const optimizer = optimizerOf(top.get('optimizer'), fileName);
  for (const [k, v] of top) if (typeof k === 'string' && !KNOWN_KEYS.has(k)) base.extra.set(k, v);
  const date = top.get('date');
  const ckpt: Checkpoint = {
    ...base,
    kind: optimizer || ema ? 'train' : 'stripped',
    epoch: toNumber(top.get('epoch'), `${fileName}: epoch`),
    best_fitness: toNumber(top.get('best_fitness'), `${fileName}: best_fitness`),
    updates: toNumber(top.get('updates'), `${fileName}: updates`),
    date: typeof date === 'string' ? date : null,
    model,
    ema,
    optimizer,
    unsupportedModules: [...new Set([...(model?.unsupportedModules ?? []), ...(ema?.unsupportedModules ?? [])])].sort(),
  };
  if (top.has('opt')) ckpt.opt = plainRecord(top.get('opt'), `${fileName}: opt`);
  if (top.has('git')) ckpt.git = toPlain(top.get('git'), `${fileName}: git`);
  if (top.has('wandb_id')) ckpt.wandb_id = toPlain(top.get('wandb_id'), `${fileName}: wandb_id`);
  return ckpt;
}

/** Throws unsupported_module naming the classes when the checkpoint's model cannot be built by us. */
export function assertSupportedModel(ckpt: Checkpoint): void {
  if (ckpt.unsupportedModules.length) {
    throw new CheckpointError('unsupported_module', `${ckpt.fileName}: the model uses modules we do not support: ${ckpt.unsupportedModules.join(', ')}`);
  }
}
