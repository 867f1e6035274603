// Shared by the fused-optimizer tests: a small model-like parameter set in upstream's three groups, seeded
// gradients, a warmup-like schedule, and a runner that steps an optimizer the way train.ts does (clip + step).
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../rng';
import { clipAndStep, clipGradNorm, GradAccumulator } from './grads';
import type { Optimizer } from './optimizer';
import type { ParamGroup, ParamRef } from './paramGroups';

// [name, HWIO/our shape, torch shape or null (= same), group]; odd sizes so no piece is a multiple of 4.
export const SPEC: [string, number[], number[] | null, number][] = [
  ['0.conv.weight', [3, 3, 3, 5], [5, 3, 3, 3], 1],
  ['0.bn.weight', [5], null, 2],
  ['0.bn.bias', [5], null, 0],
  ['1.conv.weight', [1, 1, 5, 7], [7, 5, 1, 1], 1],
  ['1.bn.weight', [7], null, 2],
  ['1.bn.bias', [7], null, 0],
  ['2.conv.weight', [3, 3, 7, 2], [2, 7, 3, 3], 1],
  ['2.bn.weight', [2], null, 2],
  ['2.bn.bias', [2], null, 0],
  ['24.m.0.weight', [1, 1, 2, 9], [9, 2, 1, 1], 1],
  ['24.m.0.bias', [9], null, 0],
];
export const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

export interface Rig { vars: tf.Variable[]; groups: ParamGroup[] }

/** Two identical parameter sets (same seeded values), one per optimizer under comparison. */
export function makeRig(seed: number): Rig {
  const rng = createRng(seed);
  const vars = SPEC.map(([name, shape]) => tf.variable(tf.tensor(Float32Array.from({ length: size(shape) }, () => rng.normal() * 0.3), shape), true, `fused-${seed}-${name}-${Math.random()}`));
  const groups: ParamGroup[] = (['bias', 'decay', 'bn'] as const).map((role, gi) => ({
    role, params: [], lr: 0.01, initial_lr: 0.01, momentum: 0.8, weight_decay: gi === 1 ? 0.05 : 0,
  }));
  SPEC.forEach(([name, shape, torch, gi], i) => {
    const ref: ParamRef = { name, variable: vars[i], torchShape: torch ?? shape, hwio: torch !== null };
    groups[gi].params.push(ref);
  });
  return { vars, groups };
}

/** Gradients for step `step`: params in `skip` get none (frozen, or unused this step). Same numbers for any rig. */
export function grads(rig: Rig, step: number, skip: ReadonlySet<number>, scale: number): Map<tf.Variable, tf.Tensor> {
  const rng: Rng = createRng(1000 + step);
  const m = new Map<tf.Variable, tf.Tensor>();
  SPEC.forEach(([, shape], i) => {
    const data = Float32Array.from({ length: size(shape) }, () => rng.normal() * scale);
    if (!skip.has(i)) m.set(rig.vars[i], tf.tensor(data, shape));
  });
  return m;
}

/** train.py's warmup moves lr and momentum every step (and the bias group's lr differently). */
export function schedule(groups: ParamGroup[], step: number): void {
  groups.forEach((g, gi) => {
    g.lr = gi === 0 ? 0.1 - 0.011 * step : 0.003 * (step + 1);
    g.momentum = 0.8 + 0.0137 * step;
  });
}

export async function values(vars: tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
}

/** Largest |a - b| / max(1, |b|) over all params. */
export function relDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => x.forEach((v, k) => {
    worst = Math.max(worst, Math.abs(v - b[i][k]) / Math.max(1, Math.abs(b[i][k])));
  }));
  return worst;
}

export interface RunOpts { steps: number; maxNorm: number | null; skip: (step: number) => ReadonlySet<number>; scale: number }

/** `steps` optimizer steps: the per-tensor way (clipGradNorm + SGD.step) or through clipAndStep's fused branch. */
export function run(opt: Optimizer, rig: Rig, o: RunOpts, from = 0): void {
  for (let s = from; s < from + o.steps; s++) {
    schedule(opt.groups, s);
    const g = grads(rig, s, o.skip(s), o.scale);
    if (o.maxNorm === null) {
      opt.step(g);
    } else if (opt.clipAndStep) {
      const acc = new GradAccumulator();
      acc.add(g);
      clipAndStep(opt, acc, o.maxNorm).dispose();
    } else {
      const { grads: clipped, totalNorm } = clipGradNorm(g, o.maxNorm);
      opt.step(clipped);
      tf.dispose([...clipped.values(), totalNorm]);
    }
    tf.dispose([...g.values()]);
  }
}

export const none = () => new Set<number>();
