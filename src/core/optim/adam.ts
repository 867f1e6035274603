// torch.optim.Adam / AdamW (1.13 single-tensor path) as upstream's smart_optimizer builds them:
// betas = (hyp momentum, 0.999), eps 1e-8, amsgrad off; weight decay only on the decayed-weights group.
//
//   step += 1
//   AdamW: w = w * (1 - lr * wd)          (decoupled)      Adam: g = g + wd * w   (L2)
//   m = b1 * m + (1 - b1) * g
//   v = b2 * v + (1 - b2) * g * g
//   w = w - lr / (1 - b1^step) * m / (sqrt(v) / sqrt(1 - b2^step) + eps)
//
// Adam's param groups have 'betas', not 'momentum', so upstream's warmup leaves beta1 alone (see schedule.ts).
import * as tf from '@tensorflow/tfjs';
import type { OptimizerState, Plain, StateTensor } from '../io';
import { OptimizerError } from './errors';
import {
  checkGrads, checkStateKeys, flatParams, fromTorchTensor, groupIndices, groupNumber, isStateTensor, matchGroups,
  toTorchTensor, type Grads, type Optimizer,
} from './optimizer';
import type { ParamGroup } from './paramGroups';

export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export interface Moments {
  step: number;
  expAvg: tf.Variable;
  expAvgSq: tf.Variable;
}

export class Adam implements Optimizer {
  protected readonly moments = new Map<tf.Variable, Moments>();

  /** `decoupled` makes it AdamW. */
  constructor(readonly groups: ParamGroup[], readonly decoupled = false) {}

  get name(): 'Adam' | 'AdamW' {
    return this.decoupled ? 'AdamW' : 'Adam';
  }

  step(grads: Grads): void {
    checkGrads(this.groups, grads); // all shapes first, so a bad gradient changes nothing
    tf.tidy(() => {
      for (const group of this.groups) {
        const { lr, momentum: beta1, weight_decay: wd } = group;
        for (const p of group.params) {
          let g = grads.get(p.variable);
          if (!g) continue;
          let m = this.moments.get(p.variable);
          if (!m) {
            m = { step: 0, expAvg: tf.variable(tf.zerosLike(p.variable), false), expAvgSq: tf.variable(tf.zerosLike(p.variable), false) };
            this.moments.set(p.variable, m);
          }
          m.step += 1;
          if (wd !== 0) {
            if (this.decoupled) p.variable.assign(tf.mul(p.variable, 1 - lr * wd));
            else g = tf.add(g, tf.mul(p.variable, wd));
          }
          m.expAvg.assign(tf.add(tf.mul(m.expAvg, beta1), tf.mul(g, 1 - beta1)));
          // addcmul_(g, g, value=1-b2) evaluates value * g * g left to right.
          m.expAvgSq.assign(tf.add(tf.mul(m.expAvgSq, ADAM_BETA2), tf.mul(tf.mul(g, 1 - ADAM_BETA2), g)));
          const bc1 = 1 - beta1 ** m.step;
          const bc2Sqrt = Math.sqrt(1 - ADAM_BETA2 ** m.step);
          const denom = tf.add(tf.div(tf.sqrt(m.expAvgSq), bc2Sqrt), ADAM_EPS);
          p.variable.assign(tf.sub(p.variable, tf.mul(tf.div(m.expAvg, denom), lr / bc1)));
        }
      }
    });
  }

  async state(): Promise<OptimizerState> {
    const state = new Map<number, Record<string, StateTensor | Plain>>();
    const params = flatParams(this.groups);
    for (let i = 0; i < params.length; i++) {
      const m = this.moments.get(params[i].variable);
      if (!m) continue;
      // torch 1.13 keeps step as a float32 scalar tensor.
      state.set(i, {
        step: { data: Float32Array.of(m.step), shape: [], dtype: 'float32' },
        exp_avg: await toTorchTensor(m.expAvg, params[i]),
        exp_avg_sq: await toTorchTensor(m.expAvgSq, params[i]),
      });
    }
    const ids = groupIndices(this.groups);
    const param_groups = this.groups.map((g, gi) => {
      const hyper: Record<string, Plain> = this.decoupled
        ? { lr: g.lr, betas: [g.momentum, ADAM_BETA2], eps: ADAM_EPS, weight_decay: g.weight_decay, amsgrad: false, foreach: null, maximize: false, capturable: false }
        : { lr: g.lr, betas: [g.momentum, ADAM_BETA2], eps: ADAM_EPS, weight_decay: g.weight_decay, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false };
      const { weight_decay, ...rest } = hyper;
      const ordered = gi === 0 ? hyper : { weight_decay, ...rest };
      return { ...ordered, initial_lr: g.initial_lr, params: ids[gi] };
    });
    return { param_groups, state };
  }

  loadState(s: OptimizerState, file = 'optimizer'): void {
    const matched = matchGroups(s, this.groups, file);
    checkStateKeys(s, ['step', 'exp_avg', 'exp_avg_sq'], this.name, file, flatParams(this.groups).length);
    const hyper = matched.map(({ saved }, gi) => {
      const g = this.groups[gi];
      const betas = saved.betas;
      if (saved.amsgrad === true) throw new OptimizerError('bad_state', `optimizer group ${gi} uses amsgrad, which upstream never enables`, { file });
      if (betas !== undefined && !(Array.isArray(betas) && betas.length === 2 && typeof betas[0] === 'number' && betas[1] === ADAM_BETA2)) {
        throw new OptimizerError('bad_state', `optimizer group ${gi} has betas ${JSON.stringify(betas)}, expected [beta1, ${ADAM_BETA2}]`, { file });
      }
      return {
        lr: groupNumber(saved, 'lr', g.lr, gi, file),
        initial_lr: groupNumber(saved, 'initial_lr', g.initial_lr, gi, file),
        momentum: betas ? (betas as number[])[0] : g.momentum,
        weight_decay: groupNumber(saved, 'weight_decay', g.weight_decay, gi, file),
      };
    });
    const loaded = new Map<tf.Variable, Moments>();
    try {
      matched.forEach(({ refs, ids }) => refs.forEach((p, i) => {
        const rec = s.state.get(ids[i]);
        if (!rec) return;
        const step = isStateTensor(rec.step) ? rec.step.data[0] : rec.step;
        if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) {
          throw new OptimizerError('bad_state', `optimizer state 'step' of '${p.name}' must be a positive integer, got ${JSON.stringify(step)}`, { file });
        }
        const expAvg = fromTorchTensor(rec.exp_avg, p, 'exp_avg', file);
        let expAvgSq: tf.Variable;
        try {
          expAvgSq = fromTorchTensor(rec.exp_avg_sq, p, 'exp_avg_sq', file);
        } catch (e) {
          expAvg.dispose();
          throw e;
        }
        loaded.set(p.variable, { step, expAvg, expAvgSq });
      }));
    } catch (e) {
      for (const m of loaded.values()) tf.dispose([m.expAvg, m.expAvgSq]);
      throw e;
    }
    hyper.forEach((h, gi) => Object.assign(this.groups[gi], h));
    this.dispose();
    for (const [v, m] of loaded) this.moments.set(v, m);
  }

  dispose(): void {
    for (const m of this.moments.values()) tf.dispose([m.expAvg, m.expAvgSq]);
    this.moments.clear();
  }
}
