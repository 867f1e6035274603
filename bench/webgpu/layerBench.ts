// Per conv layer of the model: the three conv kernels (forward, input gradient, filter gradient), tfjs's own vs
// ours, each kernel timed alone.
// The layer shapes are taken from one real training step (a recording wrapper around our kernel), so every conv
// the backward pass differentiates appears, Detect's included.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { installFix, stockKernel } from '../../src/backend/fixes/kernelFix';
import { WEBGPU_SPEED_FIXES } from '../../src/backend/fixes/webgpu';
import { webgpuConv2DBackpropFilterFix as fix } from '../../src/backend/fixes/webgpuConv2DBackpropFilter';
import { scaleHyp } from '../../src/core/loss';
import { buildModel, modelConfig } from '../../src/core/model';
import { plainSgd, trainStep } from '../../src/core/train/step';
import type { ConvKernel, LayerResult, LayerRow, StepRequest } from './protocol';

interface Call { x: number[]; filter: number[]; stride: number; pad: number }

/** The Conv2DBackpropFilter calls of one training step at the request's shapes, deduplicated with counts. */
function recordConvShapes(req: StepRequest): Map<string, Call & { uses: number }> {
  const calls = new Map<string, Call & { uses: number }>();
  tf.unregisterKernel(fix.kernelName, 'webgpu');
  tf.registerKernel({
    kernelName: fix.kernelName,
    backendName: 'webgpu',
    kernelFunc: (args) => {
      const a = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      const stride = typeof a.strides === 'number' ? a.strides : a.strides[0];
      const call = { x: [...args.inputs.x!.shape], filter: [...a.filterShape], stride, pad: a.pad as number };
      const key = JSON.stringify(call);
      const seen = calls.get(key);
      if (seen) seen.uses += 1;
      else calls.set(key, { ...call, uses: 1 });
      return fix.kernelFunc(args);
    },
  });
  try {
    const nc = 80;
    const model = buildModel(modelConfig(req.model), { nc, seed: 0 });
    const hyp = scaleHyp({ box: 0.05, cls: 0.5, obj: 1.0, label_smoothing: 0 }, { nc, imgsz: req.img, nl: 3 });
    const images = tf.tidy(() => tf.randomUniform([req.batch, req.img, req.img, 3], 0, 1, 'float32', 0) as tf.Tensor4D);
    const targets = Float32Array.from([0, 1, 0.5, 0.5, 0.2, 0.3]);
    trainStep(model, { images, targets }, { ...hyp, cls_pw: 1, obj_pw: 1, anchor_t: 4, fl_gamma: 0 }, plainSgd(0)).dispose();
    images.dispose();
    model.dispose();
  } finally {
    installFix(fix); // replaces the recorder with our kernel again
  }
  return calls;
}

type Run = () => tf.TensorInfo;

/** GPU time of one `run`: timestamp queries, or submit-to-done wall time. */
async function timeOnce(backend: WebGPUBackend, run: Run, clock: 'timestamp' | 'wall'): Promise<number> {
  let out: tf.TensorInfo | undefined;
  let ms: number;
  if (clock === 'timestamp') {
    const t = await backend.time(() => { out = run(); });
    ms = t.kernelMs as number;
  } else {
    await backend.device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    out = run();
    const b = backend as unknown as { endComputePassEncoder(): void; submitQueue(): void };
    b.endComputePassEncoder();
    b.submitQueue();
    await backend.device.queue.onSubmittedWorkDone();
    ms = performance.now() - t0;
  }
  backend.disposeData(out!.dataId);
  return ms;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/**
 * Median time of each run over `reps` rounds (after one untimed round). The runs take turns within a round, so a
 * change in the machine's load shifts all of them alike and the ratios between them hold.
 */
async function timeInTurns(backend: WebGPUBackend, runs: Run[], reps: number, clock: 'timestamp' | 'wall'): Promise<number[]> {
  const times = runs.map(() => [] as number[]);
  for (let i = 0; i <= reps; i++) {
    for (let k = 0; k < runs.length; k++) {
      const ms = await timeOnce(backend, runs[k], clock);
      if (i > 0) times[k].push(ms);
    }
  }
  return times.map(median);
}

/** tfjs's own kernel for `name` and the one registered now (ours when we replace it, else the same). */
function kernelPair(name: ConvKernel): { stock: tf.KernelFunc; ours: tf.KernelFunc } {
  const ours = tf.getKernel(name, 'webgpu')!.kernelFunc;
  const fix = WEBGPU_SPEED_FIXES.find((f) => f.kernelName === name);
  const stock = fix && ours === fix.kernelFunc ? stockKernel(fix)!.kernelFunc : ours;
  return { stock, ours };
}

export async function layerBench(req: StepRequest, reps = 3): Promise<LayerResult> {
  const backend = tf.backend() as WebGPUBackend;
  const clock = (backend as unknown as { supportTimestampQuery: boolean }).supportTimestampQuery ? 'timestamp' : 'wall';
  const names: ConvKernel[] = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  const pairs = Object.fromEntries(names.map((n) => [n, kernelPair(n)])) as Record<ConvKernel, { stock: tf.KernelFunc; ours: tf.KernelFunc }>;
  const rows: LayerRow[] = [];
  for (const c of recordConvShapes(req).values()) {
    const [b, h, w, ci] = c.x;
    const [kh, kw, , co] = c.filter;
    const info = tf.backend_util.computeConv2DInfo([b, h, w, ci], [kh, kw, ci, co], c.stride, 1, c.pad);
    const x = tf.randomUniform(c.x, -1, 1, 'float32', 1);
    const filter = tf.randomUniform(c.filter, -1, 1, 'float32', 2);
    const dy = tf.randomUniform([b, info.outHeight, info.outWidth, co], -1, 1, 'float32', 3);
    const common = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    // Inputs and attrs of each kernel, as tfjs's conv2d and its gradient pass them.
    const calls: Record<ConvKernel, [tf.NamedTensorInfoMap, object]> = {
      Conv2D: [{ x, filter }, { ...common, dilations: 1 }],
      Conv2DBackpropInput: [{ dy, filter }, { ...common, inputShape: c.x }],
      Conv2DBackpropFilter: [{ x, dy }, { ...common, filterShape: c.filter }],
    };
    // Stock and ours of all three kernels in turns: (stock, ours) per kernel, ours skipped where it is stock.
    const runs: Run[] = [];
    const slots: Record<string, number> = {};
    for (const name of names) {
      const [inputs, attrs] = calls[name];
      const as = (f: tf.KernelFunc): Run => () => f({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
      const { stock, ours } = pairs[name];
      slots[`${name}/stock`] = runs.push(as(stock)) - 1;
      slots[`${name}/ours`] = ours === stock ? slots[`${name}/stock`] : runs.push(as(ours)) - 1;
    }
    const t = await timeInTurns(backend, runs, reps, clock);
    const ms = Object.fromEntries(names.map((n) => [n, { stock: t[slots[`${n}/stock`]], ours: t[slots[`${n}/ours`]] }])) as LayerRow['ms'];
    rows.push({ ...c, ms });
    tf.dispose([x, filter, dy]);
  }
  return { model: req.model, img: req.img, batch: req.batch, clock, rows };
}
