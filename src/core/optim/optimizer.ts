// What SGD and Adam/AdamW share: the Optimizer interface, and conversion of per-parameter state between our
// variables (conv weights HWIO) and torch's optimizer.state_dict() form (OIHW, params numbered group by group).
import * as tf from '@tensorflow/tfjs';
import type { OptimizerState, Plain, StateTensor } from '../io';
import type { OptimizerName } from '../config/trainOptions';
import { OptimizerError } from './errors';
import type { ParamGroup, ParamRef } from './paramGroups';

export type Grads = ReadonlyMap<tf.Variable, tf.Tensor>;

export interface Optimizer {
  readonly name: OptimizerName;
  /** [biases, decayed weights, BN weights]; warmup and the scheduler write lr / momentum here between steps. */
  readonly groups: ParamGroup[];
  /** optimizer.step() with these (already accumulated and clipped) gradients; parameters without one are skipped. */
  step(grads: Grads): void;
  /**
   * Optional fused clip_grad_norm_(maxNorm) + step (the multi-tensor path); the caller still owns `grads`.
   * Returns the pre-clip total norm on the device.
   */
  clipAndStep?(grads: Grads, maxNorm: number): tf.Scalar;
  /** torch optimizer.state_dict() form, conv state in OIHW, for the checkpoint writer. */
  state(): Promise<OptimizerState>;
  /** optimizer.load_state_dict(): group hyper-parameters and per-parameter state, checked against our groups. */
  loadState(s: OptimizerState, file?: string): void;
  dispose(): void;
}

/** Parameters in optimizer-id order: group by group, as torch numbers them in state_dict(). */
export function flatParams(groups: readonly ParamGroup[]): ParamRef[] {
  return groups.flatMap((g) => g.params);
}

/** The `params` index lists of each group. */
export function groupIndices(groups: readonly ParamGroup[]): number[][] {
  let next = 0;
  return groups.map((g) => g.params.map(() => next++));
}

/** Every gradient must have its parameter's shape. */
export function checkGrads(groups: readonly ParamGroup[], grads: Grads): void {
  for (const p of flatParams(groups)) {
    const g = grads.get(p.variable);
    const s = p.variable.shape;
    if (g && (g.shape.length !== s.length || g.shape.some((n, i) => n !== s[i]))) {
      throw new OptimizerError('bad_grad', `gradient of '${p.name}' has shape [${g.shape}] but the parameter is [${s}]`);
    }
  }
}

/** A state tensor of ours in torch layout (HWIO -> OIHW for conv weights). */
export async function toTorchTensor(t: tf.Tensor, p: ParamRef): Promise<StateTensor> {
  const out = p.hwio ? tf.transpose(t, [3, 2, 0, 1]) : t;
  const data = (await out.data()) as Float32Array;
  if (out !== t) out.dispose();
  return { data: data.slice(), shape: [...p.torchShape], dtype: 'float32' };
}

/** A torch-layout state tensor as a non-trainable variable in our layout, after checking its shape. */
export function fromTorchTensor(v: unknown, p: ParamRef, key: string, file: string): tf.Variable {
  if (!isStateTensor(v)) throw new OptimizerError('bad_state', `optimizer state '${key}' of '${p.name}' is not a tensor`, { file });
  const want = p.torchShape;
  if (v.shape.length !== want.length || v.shape.some((n, i) => n !== want[i])) {
    throw new OptimizerError('bad_state', `optimizer state '${key}' of '${p.name}' has shape [${v.shape}] but the parameter is [${want}]`, { file });
  }
  const t = tf.tidy(() => {
    const raw = tf.tensor(v.data, v.shape, 'float32');
    return p.hwio ? tf.transpose(raw, [2, 3, 1, 0]) : raw; // OIHW -> HWIO
  });
  const variable = tf.variable(t, false);
  t.dispose();
  return variable;
}

export function isStateTensor(v: unknown): v is StateTensor {
  return typeof v === 'object' && v !== null && 'data' in v && 'shape' in v && (v as StateTensor).data instanceof Float32Array;
}

/**
 * Checks a saved state against our groups as torch's load_state_dict does (same group count, same sizes), and
 * that its params are numbered 0..n-1 group by group; returns each saved group with our ParamRefs beside it.
 */
export function matchGroups(s: OptimizerState, groups: readonly ParamGroup[], file: string): Array<{ saved: Record<string, Plain>; refs: ParamRef[]; ids: number[] }> {
  if (!s || !Array.isArray(s.param_groups) || !(s.state instanceof Map)) {
    throw new OptimizerError('bad_state', 'optimizer state must have param_groups and state', { file });
  }
  if (s.param_groups.length !== groups.length) {
    throw new OptimizerError('group_mismatch', `optimizer state has ${s.param_groups.length} parameter groups, the model's optimizer has ${groups.length}`, { file });
  }
  const expected = groupIndices(groups);
  return s.param_groups.map((saved, gi) => {
    const ids = saved.params;
    if (!Array.isArray(ids) || ids.length !== groups[gi].params.length) {
      throw new OptimizerError('group_mismatch', `optimizer group ${gi} has ${Array.isArray(ids) ? ids.length : 'no'} parameters, the model's has ${groups[gi].params.length}`, { file });
    }
    if (ids.some((id, i) => id !== expected[gi][i])) {
      throw new OptimizerError('group_mismatch', `optimizer group ${gi} numbers its parameters ${ids[0]}.. instead of ${expected[gi][0]}..`, { file });
    }
    return { saved: saved as Record<string, Plain>, refs: groups[gi].params, ids };
  });
}

/** Reads a finite number from a saved group, keeping `fallback` when the key is absent. */
export function groupNumber(saved: Record<string, Plain>, key: string, fallback: number, gi: number, file: string): number {
  const v = saved[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new OptimizerError('bad_state', `optimizer group ${gi} has ${key} = ${JSON.stringify(v)}, expected a number`, { file });
  }
  return v;
}

/** Which state keys each optimizer kind writes (to refuse e.g. an Adam state on an SGD run), for existing params. */
export function checkStateKeys(s: OptimizerState, allowed: readonly string[], name: OptimizerName, file: string, nParams: number): void {
  for (const [idx, rec] of s.state) {
    if (!(Number.isInteger(idx) && idx >= 0 && idx < nParams)) {
      throw new OptimizerError('bad_state', `optimizer state for parameter ${idx}, but the optimizer has parameters 0-${nParams - 1}`, { file });
    }
    for (const k of Object.keys(rec)) {
      if (!allowed.includes(k)) {
        throw new OptimizerError('optimizer_mismatch', `optimizer state of parameter ${idx} has '${k}', which ${name} does not keep (was the checkpoint trained with another --optimizer?)`, { file });
      }
    }
  }
}
