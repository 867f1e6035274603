// Training checkpoints in upstream's train.py form (epoch, best_fitness, fp16 model and ema, updates, optimizer,
// opt, git, date), plus one key of ours that upstream ignores: the fp32 weights and the optimizer-step counter,
// so that resuming continues bit for bit where the run stopped (the fp16 copies alone would round the weights).
import type { Plain, PyValue, StateDict } from '../io';
import { YoloError } from '../errors';
import { type Checkpoint, type CheckpointInput, type CheckpointModel, makeTensor, type ModelYaml, tensorToFloat32 } from '../io';
import { TorchTensor } from '../io/pyvalues';
import type { YoloModel } from '../model';
import type { ModelEMA, Optimizer } from '../optim';

export const OURS_KEY = 'yolo_studio';

export interface CheckpointParts {
  epoch: number;
  bestFitness: number;
  model: YoloModel;
  ema: ModelEMA;
  optimizer: Optimizer;
  lastOptStep: number;
  names: string[];
  hyp: Record<string, Plain>;
  opt: Record<string, Plain>;
}

/** The model's architecture as upstream keeps it in model.yaml (nc and anchors as the model was built). */
export function modelYaml(model: YoloModel): ModelYaml {
  const c = model.cfg;
  return {
    nc: model.nc,
    depth_multiple: c.depth_multiple,
    width_multiple: c.width_multiple,
    anchors: c.anchors,
    backbone: c.backbone as ModelYaml['backbone'],
    head: c.head as ModelYaml['head'],
  };
}

function checkpointModel(m: YoloModel, sd: StateDict, names: string[], hyp: Record<string, Plain>): CheckpointModel {
  return { yaml: modelYaml(m), names, stateDict: sd, nc: m.nc, hyp, stride: m.stride, yamlFile: m.cfg.name ? `${m.cfg.name}.yaml` : null };
}

/**
 * All of a state_dict's values, in entry order, as one 1-D float32 torch tensor: saved as a tensor storage in the
 * zip (4 bytes a value). Version 1 pickled them as a byte string, which torch's protocol-2 pickle stores as latin-1
 * text (~1.5x the bytes, in data.pkl); those checkpoints still load.
 */
export function packState(sd: StateDict): TorchTensor {
  const n = [...sd.values()].reduce((s, t) => s + t.data.length, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const t of sd.values()) {
    out.set(t.data, o);
    o += t.data.length;
  }
  return makeTensor(out, [n], 'float32');
}

export function unpackState(packed: PyValue | undefined, like: StateDict, file: string): StateDict {
  let all: Float32Array;
  if (packed instanceof TorchTensor) all = tensorToFloat32(packed);
  else if (packed instanceof Uint8Array && packed.byteLength % 4 === 0) all = new Float32Array(packed.slice().buffer);
  else throw new YoloError('bad_resume_state', `${OURS_KEY} weights are neither a float32 tensor nor packed float32 bytes`, { file });
  const total = [...like.values()].reduce((s, t) => s + t.data.length, 0);
  if (all.length !== total) {
    throw new YoloError('bad_resume_state', `${OURS_KEY} weights hold ${all.length} values, the model ${total}`, { file });
  }
  const sd: StateDict = new Map();
  let o = 0;
  for (const [k, t] of like) {
    sd.set(k, { data: all.slice(o, o + t.data.length), shape: t.shape });
    o += t.data.length;
  }
  return sd;
}

/** A train.py-form checkpoint (last.pt / best.pt / epochN.pt), ready for writeCheckpoint (or stripCheckpoint). */
export async function checkpointInput(p: CheckpointParts): Promise<CheckpointInput> {
  const sd = await p.model.stateDict();
  const esd = await p.ema.ema.stateDict();
  const ours = new Map<PyValue, PyValue>([
    ['version', 2],
    ['model_fp32', packState(sd)],
    ['ema_fp32', packState(esd)],
    ['last_opt_step', p.lastOptStep],
  ]);
  return {
    epoch: p.epoch,
    best_fitness: p.bestFitness,
    model: checkpointModel(p.model, sd, p.names, p.hyp),
    ema: checkpointModel(p.ema.ema, esd, p.names, p.hyp),
    updates: p.ema.updates,
    optimizer: await p.optimizer.state(),
    opt: p.opt,
    git: null,
    extra: { [OURS_KEY]: ours },
  };
}

export interface ResumeState {
  startEpoch: number;
  bestFitness: number;
  lastOptStep: number;
}

/**
 * Upstream smart_resume: optimizer state, EMA weights and updates, best fitness, start epoch = saved + 1. With
 * our key present the fp32 weights are restored exactly; an upstream last.pt resumes from its fp16 weights.
 */
export function readResumeState(ckpt: Checkpoint, model: YoloModel, ema: ModelEMA, optimizer: Optimizer, file: string): ResumeState {
  if (!ckpt.model || !ckpt.optimizer || ckpt.epoch === null) {
    throw new YoloError('not_resumable', 'no model, optimizer or epoch: it cannot be resumed', { file });
  }
  const ours = ckpt.extra.get(OURS_KEY);
  let lastOptStep = -1;
  if (ours instanceof Map) {
    model.loadStateDict(unpackState(ours.get('model_fp32'), ckpt.model.stateDict, file), file);
    if (ckpt.ema) ema.ema.loadStateDict(unpackState(ours.get('ema_fp32'), ckpt.ema.stateDict, file), file);
    lastOptStep = Number(ours.get('last_opt_step') ?? -1);
  } else {
    model.loadStateDict(ckpt.model.stateDict, file);
    if (ckpt.ema) ema.ema.loadStateDict(ckpt.ema.stateDict, file);
  }
  if (!ckpt.ema) ema.ema.loadStateDict(ckpt.model.stateDict, file);
  ema.updates = ckpt.updates ?? 0;
  optimizer.loadState(ckpt.optimizer, file);
  return { startEpoch: ckpt.epoch + 1, bestFitness: ckpt.best_fitness ?? 0, lastOptStep };
}
