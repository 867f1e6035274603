// Upstream smart_optimizer's three parameter groups and train.py's nominal-batch arithmetic.
//
// smart_optimizer walks model.modules() and files each module's own parameters: a parameter named 'bias' -> g[2]
// (every conv bias, every BatchNorm bias, the Detect convs' biases), a BatchNorm 'weight' -> g[1], anything else
// (conv weights) -> g[0]. The optimizer is built on g[2] first and then gets g[0] (with weight decay) and g[1]
// (no decay) added, so torch's param_groups are [biases, decayed weights, BN weights]; optimizer param ids count
// through them in that order. Module pre-order equals state_dict order, so filtering our entries keeps it.
import type * as tf from '@tensorflow/tfjs';
import { pyFloatRepr } from '../config/hyps';

export type GroupRole = 'bias' | 'decay' | 'bn';
/** param_groups order as upstream's optimizer holds them. */
export const GROUP_ROLES: readonly GroupRole[] = ['bias', 'decay', 'bn'];

export interface ParamRef {
  /** state_dict name, e.g. 'model.0.conv.weight' */
  name: string;
  variable: tf.Variable;
  /** shape upstream (OIHW for conv weights) */
  torchShape: number[];
  /** stored HWIO here (conv weights), so optimizer state must be transposed to and from OIHW */
  hwio: boolean;
}

export interface ParamGroup {
  role: GroupRole;
  params: ParamRef[];
  /** current learning rate (warmup and the scheduler set it) */
  lr: number;
  /** LambdaLR's base lr: lr = initial_lr * lf(epoch) */
  initial_lr: number;
  /** SGD momentum / Adam beta1 */
  momentum: number;
  weight_decay: number;
}

/** What we need of a model's state entries (YoloModel.entries fits). */
export interface ParamSource {
  name: string;
  kind: string;
  torchShape: number[];
  variable?: tf.Variable;
  isBnWeight?: boolean;
}

/** Which group smart_optimizer files a parameter in, from its state_dict name and whether it is a BatchNorm's. */
export function groupRole(name: string, isBnParam: boolean): GroupRole {
  if (name.endsWith('.bias')) return 'bias';
  if (isBnParam && name.endsWith('.weight')) return 'bn';
  return 'decay';
}

export interface GroupHyp {
  lr0: number;
  momentum: number;
  /** already scaled by batch_size * accumulate / nbs */
  weight_decay: number;
}

/**
 * The three groups in upstream's param_groups order: [biases (no decay), weights (decay), BN weights (no decay)].
 * Frozen parameters stay in their groups, as upstream (they just never get a gradient).
 */
export function buildParamGroups(entries: readonly ParamSource[], hyp: GroupHyp): ParamGroup[] {
  const groups = GROUP_ROLES.map((role): ParamGroup => ({
    role,
    params: [],
    lr: hyp.lr0,
    initial_lr: hyp.lr0,
    momentum: hyp.momentum,
    weight_decay: role === 'decay' ? hyp.weight_decay : 0,
  }));
  for (const e of entries) {
    if (e.kind !== 'conv_weight' && e.kind !== 'param') continue;
    if (!e.variable) throw new Error(`parameter '${e.name}' has no variable`);
    const role = groupRole(e.name, e.isBnWeight === true);
    groups[GROUP_ROLES.indexOf(role)].params.push({
      name: e.name, variable: e.variable, torchShape: e.torchShape, hwio: e.kind === 'conv_weight',
    });
  }
  return groups;
}

/** Upstream's log line for the groups. */
export function describeGroups(name: string, groups: readonly ParamGroup[], lr: number, decay: number): string {
  const [bias, dec, bn] = groups;
  return `optimizer: ${name}(lr=${pyFloatRepr(lr)}) with parameter groups ${bn.params.length} weight(decay=0.0), `
    + `${dec.params.length} weight(decay=${pyFloatRepr(decay)}), ${bias.params.length} bias`;
}

/** Nominal batch size: gradients are accumulated until about this many images went through. */
export const NBS = 64;

/** Python's round(): half to even. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * train.py: accumulate = max(round(nbs / batch_size), 1); hyp['weight_decay'] *= batch_size * accumulate / nbs
 * (same evaluation order, so the double matches).
 */
export function nominalBatch(batchSize: number, weightDecay: number, nbs = NBS): { accumulate: number; weightDecay: number } {
  const accumulate = Math.max(pyRound(nbs / batchSize), 1);
  return { accumulate, weightDecay: weightDecay * ((batchSize * accumulate) / nbs) };
}
