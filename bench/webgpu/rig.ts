// The yolov5n training step the WebGPU benches time (stepBench.ts, ablation.ts): a model with upstream's three
// SGD parameter groups (per-tensor SGD + EMA, or the multi-tensor path), a fixed random batch, and one timed step =
// forward + loss + backward (trainStep), clip to norm 10 + SGD nesterov, EMA update, loss items read back.
import * as tf from '@tensorflow/tfjs';
import { scaleHyp, type LossHyp } from '../../src/core/loss';
import { buildModel, modelConfig, type YoloModel } from '../../src/core/model';
import { buildParamGroups, clipGradNorm, FusedSGD, ModelEMA, SGD } from '../../src/core/optim';
import { createRng } from '../../src/core/rng';
import { trainStep, type GradientUpdate, type StepBatch } from '../../src/core/train/step';
import { since, snapshot, type Counts } from './counters';
import type { StepRequest } from './protocol';

const NC = 80;

export interface Rig { model: YoloModel; sgd: SGD; ema: ModelEMA; batch: StepBatch; hyp: LossHyp }

/** Stock = per-tensor SGD + EMA (tfjs ops); ours = the multi-tensor path (flat buffers per group). */
export function makeRig(req: StepRequest, fused: boolean): Rig {
  const model = buildModel(modelConfig(req.model), { nc: NC, seed: 0 });
  const groups = buildParamGroups(model.entries, { lr0: 0.01, momentum: 0.937, weight_decay: 0.0005 });
  const sgd = fused ? new FusedSGD(groups, { nesterov: true }) : new SGD(groups, { nesterov: true });
  const ema = ModelEMA.create(model, { fused });
  const hyp = scaleHyp({ box: 0.05, cls: 0.5, obj: 1.0, cls_pw: 1, obj_pw: 1, anchor_t: 4, fl_gamma: 0, label_smoothing: 0 },
    { nc: NC, imgsz: req.img, nl: 3 });
  const rng = createRng(0);
  const images = tf.tidy(() => tf.randomUniform([req.batch, req.img, req.img, 3], 0, 1, 'float32', 0) as tf.Tensor4D);
  const rows: number[] = [];
  // 4 targets per image, as upstream's timing run.
  for (let b = 0; b < req.batch; b++) for (let k = 0; k < 4; k++) {
    rows.push(b, rng.int(NC), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4));
  }
  return { model, sgd, ema, hyp, batch: { images, targets: Float32Array.from(rows) } };
}

export function disposeRig(r: Rig): void {
  r.batch.images.dispose();
  r.sgd.dispose();
  r.ema.dispose();
  r.model.dispose();
}

export interface StepCounts { opt: Counts; ema: Counts }

/** Records one step; returns the loss items (caller reads and disposes) and the optimizer / EMA dispatch counts. */
export function recordStep(r: Rig): { items: tf.Tensor1D; parts: StepCounts } {
  let opt!: Counts;
  const update: GradientUpdate = (grads) => {
    const before = snapshot();
    if (r.sgd instanceof FusedSGD) {
      r.sgd.clipAndStep(grads, 10).dispose();
      opt = since(before);
      return;
    }
    const { grads: clipped, totalNorm } = clipGradNorm(grads, 10);
    try {
      r.sgd.step(clipped);
    } finally {
      tf.dispose([...clipped.values(), totalNorm]);
    }
    opt = since(before);
  };
  const items = trainStep(r.model, r.batch, r.hyp, update);
  const before = snapshot();
  r.ema.update();
  return { items, parts: { opt, ema: since(before) } };
}


export const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

export interface Samples { wall: number[]; encode: number[]; wait: number[]; gpuBytes: number[]; counts: Counts; parts?: StepCounts }

/** One step of `rig`, timed from recording to the loss being readable; samples kept unless warming up. */
export async function timedStep(rig: Rig, into: Samples | null): Promise<void> {
  const before = snapshot();
  const t0 = performance.now();
  const step = recordStep(rig);
  const t1 = performance.now();
  await step.items.data(); // the step is done when its loss can be read
  const t2 = performance.now();
  step.items.dispose();
  if (!into) return;
  into.wall.push(t2 - t0);
  into.encode.push(t1 - t0);
  into.wait.push(t2 - t1);
  into.counts = since(before);
  into.parts = step.parts;
  into.gpuBytes.push((tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0);
}

/** Samples with nothing recorded yet. */
export function emptySamples(): Samples {
  return { wall: [], encode: [], wait: [], gpuBytes: [], counts: { dispatches: 0, submits: 0, readbacks: 0 } };
}
