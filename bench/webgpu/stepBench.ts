// The training step timed on webgpu, once with tfjs's stock kernels and once with ours, in the same page:
// forward + loss + backward (trainStep), gradient clipping to norm 10 + SGD nesterov over upstream's three
// parameter groups, then the EMA update; the loss items are read back once per step (the only readback).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { installWebGpuFixes, uninstallWebGpuFixes, WEBGPU_SPEED_GROUPS, type WebGpuSpeedGroup } from '../../src/backend/fixes/webgpu';
import { checkFlatCopy } from './check';
import type { KernelTime, StepFigures, StepRequest } from './protocol';
import { disposeRig, emptySamples, makeRig, median, recordStep, timedStep, type Rig, type Samples } from './rig';

type Profile = Pick<StepFigures, 'profiledKernelMs' | 'topKernels' | 'topCalls'>;

/** One step under tf.profile: kernel ms summed by kernel name, and by name + input shapes. */
async function profileStep(r: Rig): Promise<Profile> {
  const info = await tf.profile(() => recordStep(r).items);
  (info.result as tf.Tensor).dispose();
  const group = (key: (k: (typeof info.kernels)[number]) => string) => {
    const by = new Map<string, KernelTime>();
    for (const k of info.kernels) {
      const name = key(k);
      const row = by.get(name) ?? { name, calls: 0, ms: 0 };
      row.calls += 1;
      row.ms += Number(k.kernelTimeMs) || 0;
      by.set(name, row);
    }
    return [...by.values()].sort((a, b) => b.ms - a.ms);
  };
  const all = group((k) => k.name);
  return {
    profiledKernelMs: all.reduce((s, k) => s + k.ms, 0),
    topKernels: all, // every kernel (the printout shows the top ones)
    topCalls: group((k) => `${k.name}(${k.inputShapes.map((sh) => `[${sh}]`).join(',')})`).slice(0, 16),
  };
}

export type Kind = 'stock' | 'ours';

/** Registers the kernels of one side: stock = tfjs's (with our correctness fixes), ours = ours minus req.without. */
export function select(kind: Kind, req: StepRequest): void {
  if (kind === 'stock') {
    uninstallWebGpuFixes();
    return;
  }
  installWebGpuFixes();
  for (const g of withoutGroups(req)) WEBGPU_SPEED_GROUPS[g].uninstall();
}

/** The groups the "ours" side leaves out: req.without, and bnSilu when fusedBnSilu is false. */
export function withoutGroups(req: StepRequest): WebGpuSpeedGroup[] {
  const unknown = (req.without ?? []).filter((g) => !(g in WEBGPU_SPEED_GROUPS));
  if (unknown.length > 0) throw new Error(`without: no kernel group ${unknown.join(', ')} (groups: ${Object.keys(WEBGPU_SPEED_GROUPS).join(', ')})`);
  const out = new Set(req.without as WebGpuSpeedGroup[] | undefined);
  if (req.fusedBnSilu === false) out.add('bnSilu');
  return [...out];
}

function figures(kind: Kind, req: StepRequest, s: Samples, prof: Profile): StepFigures {
  const medianMs = median(s.wall);
  return {
    kernels: kind,
    medianMs,
    minMs: Math.min(...s.wall),
    wallMs: s.wall,
    imagesPerS: req.batch / (medianMs / 1000),
    dispatches: s.counts.dispatches,
    optimizerDispatches: s.parts!.opt.dispatches,
    emaDispatches: s.parts!.ema.dispatches,
    submits: s.counts.submits,
    readbacks: s.counts.readbacks,
    encodeMs: median(s.encode),
    waitMs: median(s.wait),
    gpuBytes: [s.gpuBytes[0], s.gpuBytes[s.gpuBytes.length - 1]],
    ...prof,
  };
}

/**
 * Stock and ours in the same page, one model each, stepped alternately (stock, ours, then ours, stock, ...) so
 * that the load of a shared machine falls on both sides alike; medians over the timed steps after warm-up.
 */
export async function stepBench(req: StepRequest): Promise<{ stock: StepFigures; ours: StepFigures; timestampQuery: boolean }> {
  const backend = tf.backend() as WebGPUBackend;
  select('ours', req);
  await checkFlatCopy();
  const rigs: Record<Kind, Rig> = { stock: makeRig(req, false), ours: makeRig(req, true) };
  try {
    const samples: Record<Kind, Samples> = { stock: emptySamples(), ours: emptySamples() };
    for (let i = 0; i < req.warmup + req.iters; i++) {
      for (const kind of (i % 2 === 0 ? ['stock', 'ours'] : ['ours', 'stock']) as Kind[]) {
        select(kind, req);
        await timedStep(rigs[kind], i < req.warmup ? null : samples[kind]);
      }
    }
    const prof = {} as Record<Kind, Profile>;
    for (const kind of ['stock', 'ours'] as Kind[]) {
      select(kind, req);
      prof[kind] = await profileStep(rigs[kind]);
    }
    return {
      stock: figures('stock', req, samples.stock, prof.stock),
      ours: figures('ours', req, samples.ours, prof.ours),
      timestampQuery: (backend as unknown as { supportTimestampQuery: boolean }).supportTimestampQuery,
    };
  } finally {
    disposeRig(rigs.stock);
    disposeRig(rigs.ours);
    installWebGpuFixes(); // the page's default state
  }
}
