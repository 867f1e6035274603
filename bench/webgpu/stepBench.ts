// The training step timed on webgpu, once with tfjs's stock kernels and once with ours, in the same page:
// forward + loss + backward (trainStep), gradient clipping to norm 10 + SGD nesterov over upstream's three
// parameter groups, then the EMA update; the loss items are read back once per step (the only readback).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { installWebGpuFixes, uninstallWebGpuFixes } from '../../src/backend/fixes/webgpu';
import { uninstallWebGpuBnSilu } from '../../src/backend/fixes/webgpuBnSilu';
import { installWebGpuFlatCopy, uninstallWebGpuFlatCopy } from '../../src/backend/fixes/webgpuFlatCopy';
import { scaleHyp, type LossHyp } from '../../src/core/loss';
import { buildModel, modelConfig, type YoloModel } from '../../src/core/model';
import { buildParamGroups, clipGradNorm, FusedSGD, ModelEMA, SGD } from '../../src/core/optim';
import { createRng } from '../../src/core/rng';
import { trainStep, type GradientUpdate, type StepBatch } from '../../src/core/train/step';
import { checkFlatCopy } from './check';
import { since, snapshot, type Counts } from './counters';
import type { KernelTime, StepFigures, StepRequest } from './protocol';

const NC = 80;

interface Rig { model: YoloModel; sgd: SGD; ema: ModelEMA; batch: StepBatch; hyp: LossHyp }

/** Stock = per-tensor SGD + EMA (tfjs ops); ours = the multi-tensor path (flat buffers per group). */
function makeRig(req: StepRequest, fused: boolean): Rig {
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

function disposeRig(r: Rig): void {
  r.batch.images.dispose();
  r.sgd.dispose();
  r.ema.dispose();
  r.model.dispose();
}

interface StepCounts { opt: Counts; ema: Counts }

/** Records one step; returns the loss items (caller reads and disposes) and the optimizer / EMA dispatch counts. */
function recordStep(r: Rig): { items: tf.Tensor1D; parts: StepCounts } {
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


const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function profileStep(r: Rig): Promise<{ total: number; top: KernelTime[] }> {
  const info = await tf.profile(() => recordStep(r).items);
  (info.result as tf.Tensor).dispose();
  const by = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const row = by.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    row.calls += 1;
    row.ms += Number(k.kernelTimeMs) || 0;
    by.set(k.name, row);
  }
  const all = [...by.values()].sort((a, b) => b.ms - a.ms);
  return { total: all.reduce((s, k) => s + k.ms, 0), top: all.slice(0, 12) };
}

async function measure(req: StepRequest, kernels: 'stock' | 'ours'): Promise<StepFigures> {
  if (kernels === 'ours') {
    installWebGpuFixes();
    installWebGpuFlatCopy();
    await checkFlatCopy();
    if (req.fusedBnSilu === false) uninstallWebGpuBnSilu();
  } else {
    uninstallWebGpuFixes();
    uninstallWebGpuFlatCopy();
  }
  const rig = makeRig(req, kernels === 'ours');
  try {
    const wall: number[] = [];
    const encode: number[] = [];
    const wait: number[] = [];
    let counts: Counts = { dispatches: 0, submits: 0, readbacks: 0 };
    let parts!: StepCounts;
    const gpuBytes: number[] = [];
    for (let i = 0; i < req.warmup + req.iters; i++) {
      const before = snapshot();
      const t0 = performance.now();
      const step = recordStep(rig);
      const t1 = performance.now();
      await step.items.data(); // the step is done when its loss can be read
      const t2 = performance.now();
      step.items.dispose();
      if (i < req.warmup) continue;
      wall.push(t2 - t0);
      encode.push(t1 - t0);
      wait.push(t2 - t1);
      counts = since(before);
      parts = step.parts;
      gpuBytes.push((tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0);
    }
    const prof = await profileStep(rig);
    const medianMs = median(wall);
    return {
      kernels,
      medianMs,
      minMs: Math.min(...wall),
      imagesPerS: req.batch / (medianMs / 1000),
      dispatches: counts.dispatches,
      optimizerDispatches: parts.opt.dispatches,
      emaDispatches: parts.ema.dispatches,
      submits: counts.submits,
      readbacks: counts.readbacks,
      encodeMs: median(encode),
      waitMs: median(wait),
      gpuBytes: [gpuBytes[0], gpuBytes[gpuBytes.length - 1]],
      profiledKernelMs: prof.total,
      topKernels: prof.top,
    };
  } finally {
    disposeRig(rig);
    installWebGpuFixes(); // the page's default state
    installWebGpuFlatCopy();
  }
}

export async function stepBench(req: StepRequest): Promise<{ stock: StepFigures; ours: StepFigures; timestampQuery: boolean }> {
  const backend = tf.backend() as WebGPUBackend;
  const stock = await measure(req, 'stock');
  const ours = await measure(req, 'ours');
  return { stock, ours, timestampQuery: (backend as unknown as { supportTimestampQuery: boolean }).supportTimestampQuery };
}
