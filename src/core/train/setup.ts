// Everything train.py does before its first batch: model (from a cfg, or transferred from weights, or resumed),
// frozen layers, nominal-batch weight decay, the three param groups and the optimizer, the LR schedule, EMA,
// AutoAnchor, fp16 rounding of the start weights, and the hyp scaling by nl / nc / imgsz.
import * as tf from '@tensorflow/tfjs';
import { checkAnchors } from '../anchors/checkAnchors';
import type { Hyp } from '../config/hyps';
import { frozenLayerPrefixes, validateTrainOptions } from '../config/trainOptions';
import { YoloError } from '../errors';
import { floatToHalfBits, halfToFloatTable, readCheckpoint, type Checkpoint } from '../io';
import type { LossHyp } from '../loss';
import { buildModel, transferWeights, type YoloModel } from '../model';
import {
  buildParamGroups, createOptimizer, describeGroups, lrLambda, ModelEMA, nominalBatch, warmupIterations,
  type Optimizer, type ScheduleConfig,
} from '../optim';
import { createRng } from '../rng';
import { modelConfigFromCheckpoint } from '../weights';
import { readResumeState } from './checkpoint';
import type { TrainInputs } from './types';

export interface TrainSetup {
  model: YoloModel;
  ema: ModelEMA;
  optimizer: Optimizer;
  schedule: ScheduleConfig;
  /** Hyperparameters after train.py's changes (weight_decay, box/cls/obj scaled; label_smoothing from options). */
  hyp: Hyp & { label_smoothing: number };
  lossHyp: LossHyp;
  imgsz: number;
  /** Grid size: max(max stride, 32). */
  gs: number;
  /** Batches per epoch. */
  nb: number;
  startEpoch: number;
  bestFitness: number;
  lastOptStep: number;
  logs: string[];
  warnings: string[];
}

export class TrainSetupError extends YoloError {}

/** The multi-tensor optimizer + EMA is on unless a caller asks otherwise (fusedSgd/fusedAdam tests prove it equal). */
export const FUSED_OPTIMIZER_DEFAULT = true;

export function setupTraining(inputs: TrainInputs): TrainSetup {
  const { options: opt, data } = inputs;
  const logs: string[] = [];
  const warnings: string[] = [];
  const nc = opt.single_cls ? 1 : data.names.length;
  if (!data.train.length) throw new TrainSetupError('no_train_images', 'the dataset has no usable train images');
  if (opt.batch_size > data.train.length) {
    throw new TrainSetupError('batch_too_large', `batch size ${opt.batch_size} is larger than the ${data.train.length} train images`);
  }
  const maxCls = data.train.reduce((m, it) => {
    for (let k = 0; k < it.labels.length; k += 5) m = Math.max(m, it.labels[k]);
    return m;
  }, -1);
  if (!opt.single_cls && maxCls >= nc) {
    throw new TrainSetupError('label_class_out_of_range', `Label class ${maxCls} exceeds nc=${nc} in the dataset. Possible class labels are 0-${nc - 1}`);
  }

  // Model: resume > transfer from weights > fresh from cfg.
  const ckpt: Checkpoint | null = inputs.weights ? readCheckpoint(inputs.weights.bytes, inputs.weights.fileName) : null;
  if (inputs.resume && (!ckpt || ckpt.kind !== 'train' || !ckpt.optimizer)) {
    throw new TrainSetupError('not_resumable', `${inputs.weights?.fileName ?? 'no file'} is not an unstripped training checkpoint (last.pt) that can be resumed`);
  }
  const ckptModel = ckpt ? (ckpt.model ?? ckpt.ema) : null;
  const cfg = inputs.cfg ?? (ckptModel ? modelConfigFromCheckpoint(ckptModel, inputs.weights!.fileName) : null);
  if (!cfg) throw new TrainSetupError('no_model', 'neither --cfg nor --weights gives a model architecture');
  if (inputs.hyp.anchors) {
    // hyp 'anchors' overrides the yaml's with that many anchors per level, as Model(..., anchors=) does.
    cfg.anchors = Math.round(inputs.hyp.anchors);
  }
  const model = buildModel(cfg, { nc, seed: opt.seed });
  // Everything below may still refuse the run; a refused run must not leave its tensors behind.
  const owned: { dispose(): void }[] = [model];
  try {
    if (ckptModel) {
      const exclude = (inputs.cfg || inputs.hyp.anchors) && !inputs.resume;
      const r = transferWeights(model, ckptModel.stateDict, { excludeAnchors: Boolean(exclude), from: inputs.weights!.fileName });
      logs.push(r.message);
    }

    // Options that depend on the model: --freeze within its layers, imgsz a multiple of its grid (rounded up).
    const gs = Math.max(model.maxStride, 32);
    const checked = validateTrainOptions({ ...opt }, { layerCount: model.resolved.layers.length, maxStride: model.maxStride });
    warnings.push(...checked.warnings);
    const imgsz = checked.options.imgsz;

    // Freeze: frozen parameters get no gradient (requires_grad False upstream).
    const prefixes = frozenLayerPrefixes(opt.freeze);
    for (const e of model.entries) {
      if (e.variable && prefixes.some((p) => e.name.startsWith(p)) && (e.kind === 'conv_weight' || e.kind === 'param')) {
        logs.push(`freezing ${e.name}`);
        e.variable.trainable = false;
      }
    }

    const { weightDecay } = nominalBatch(opt.batch_size, inputs.hyp.weight_decay);
    const hyp = { ...inputs.hyp, weight_decay: weightDecay, label_smoothing: opt.label_smoothing };
    const groups = buildParamGroups(model.entries, { lr0: hyp.lr0, momentum: hyp.momentum, weight_decay: weightDecay });
    const fused = inputs.fusedOptimizer ?? FUSED_OPTIMIZER_DEFAULT;
    const optimizer = createOptimizer(opt.optimizer, groups, { fused });
    owned.push(optimizer);
    logs.push(describeGroups(opt.optimizer, groups, hyp.lr0, weightDecay));
    const lf = lrLambda({ cos_lr: opt.cos_lr, epochs: opt.epochs, lrf: hyp.lrf });
    const ema = ModelEMA.create(model, { fused });
    owned.push(ema);

    let startEpoch = 0;
    let bestFitness = 0;
    let lastOptStep = -1;
    if (inputs.resume && ckpt) {
      const r = readResumeState(ckpt, model, ema, optimizer, inputs.weights!.fileName);
      startEpoch = r.startEpoch;
      bestFitness = r.bestFitness;
      lastOptStep = r.lastOptStep;
      if (startEpoch >= opt.epochs) {
        throw new TrainSetupError('nothing_to_resume', `${inputs.weights!.fileName} training to ${opt.epochs} epochs is finished, nothing to resume`);
      }
      logs.push(`Resuming training from ${inputs.weights!.fileName} from epoch ${startEpoch} to ${opt.epochs} total epochs`);
    }

    if (!inputs.resume) {
      if (!opt.noautoanchor) {
        const r = checkAnchors({
          images: data.train.map((it) => ({ width: it.shapeWH[0], height: it.shapeWH[1], rows: it.labels })),
          anchors: model.detect.anchors.values,
          stride: model.stride,
          anchorT: hyp.anchor_t,
          imgsz,
          rng: createRng(opt.seed + 7919), // AutoAnchor's own stream, so data order does not shift it
        });
        logs.push(...r.lines.map((l) => l.replace(/^\n/, '')));
        if (r.anchors) model.detect.anchors.values.set(r.anchors);
      }
      roundToHalf(model); // upstream: model.half().float(), "pre-reduce anchor precision"
    }

    // Hyp scaling as train.py, after the model exists: nl detection layers, nc classes, imgsz.
    const nl = model.stride.length;
    hyp.box *= 3 / nl;
    hyp.cls *= (nc / 80) * 3 / nl;
    hyp.obj *= ((imgsz / 640) ** 2) * 3 / nl;
    const lossHyp: LossHyp = {
      box: hyp.box, obj: hyp.obj, cls: hyp.cls, cls_pw: hyp.cls_pw, obj_pw: hyp.obj_pw,
      fl_gamma: hyp.fl_gamma, anchor_t: hyp.anchor_t, label_smoothing: hyp.label_smoothing,
    };

    const nb = Math.ceil(data.train.length / opt.batch_size);
    const schedule: ScheduleConfig = {
      nb,
      nw: warmupIterations(hyp.warmup_epochs, nb),
      batchSize: opt.batch_size,
      lf,
      initialLr: groups.map((g) => g.initial_lr),
      warmup_bias_lr: hyp.warmup_bias_lr,
      warmup_momentum: hyp.warmup_momentum,
      momentum: hyp.momentum,
      hasMomentum: opt.optimizer === 'SGD',
    };
    return {
      model, ema, optimizer, schedule, hyp, lossHyp, imgsz, gs, nb, startEpoch, bestFitness, lastOptStep,
      logs, warnings,
    };
  } catch (e) {
    for (const o of owned) o.dispose();
    throw e;
  }
}

/** Rounds every float tensor of the model through fp16, as upstream's model.half().float(). */
function roundToHalf(model: YoloModel): void {
  const table = halfToFloatTable();
  for (const e of model.entries) {
    if (!e.variable) continue;
    const data = e.variable.dataSync() as Float32Array;
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = table[floatToHalfBits(data[i])];
    tf.tidy(() => e.variable!.assign(tf.tensor(out, e.variable!.shape)));
  }
  const a = model.detect.anchors.values;
  for (let i = 0; i < a.length; i++) a[i] = table[floatToHalfBits(a[i])];
}
