// torch.optim.SGD (1.13 single-tensor path) as upstream builds it: momentum, nesterov=True, dampening 0, weight
// decay added to the gradient (L2), per-group lr / momentum / weight_decay read at every step because warmup
// changes them between steps.
//
//   d = g + wd * w
//   buf = d                    (first step of this parameter)
//   buf = momentum * buf + d   (later steps)
//   d = d + momentum * buf     (nesterov; else d = buf)
//   w = w - lr * d
import * as tf from '@tensorflow/tfjs';
import type { OptimizerState, Plain, StateTensor } from '../io';
import { OptimizerError } from './errors';
import {
  checkGrads, checkStateKeys, flatParams, fromTorchTensor, groupIndices, groupNumber, matchGroups,
  toTorchTensor, type Grads, type Optimizer,
} from './optimizer';
import type { ParamGroup } from './paramGroups';

export interface SgdOptions {
  nesterov?: boolean;
}

export class SGD implements Optimizer {
  readonly name = 'SGD' as const;
  readonly nesterov: boolean;
  /** momentum_buffer per parameter that has had a gradient, as torch's optimizer.state. */
  protected readonly buffers = new Map<tf.Variable, tf.Variable>();

  constructor(readonly groups: ParamGroup[], { nesterov = true }: SgdOptions = {}) {
    this.nesterov = nesterov;
  }

  step(grads: Grads): void {
    checkGrads(this.groups, grads); // all shapes first, so a bad gradient changes nothing
    tf.tidy(() => {
      for (const group of this.groups) {
        const { lr, momentum, weight_decay: wd } = group;
        for (const p of group.params) {
          const g = grads.get(p.variable);
          if (!g) continue; // frozen, or unused this step: torch skips params whose .grad is None
          let d: tf.Tensor = wd !== 0 ? tf.add(g, tf.mul(p.variable, wd)) : g;
          if (momentum !== 0) {
            let buf = this.buffers.get(p.variable);
            if (!buf) {
              buf = tf.variable(d, false); // torch.clone(d_p): the variable keeps its own reference
              this.buffers.set(p.variable, buf);
            } else {
              buf.assign(tf.add(tf.mul(buf, momentum), d));
            }
            d = this.nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
          }
          p.variable.assign(tf.sub(p.variable, tf.mul(d, lr)));
        }
      }
    });
  }

  async state(): Promise<OptimizerState> {
    const state = new Map<number, Record<string, StateTensor | Plain>>();
    const params = flatParams(this.groups);
    for (let i = 0; i < params.length; i++) {
      const buf = this.buffers.get(params[i].variable);
      if (buf) state.set(i, { momentum_buffer: await toTorchTensor(buf, params[i]) });
    }
    const ids = groupIndices(this.groups);
    const param_groups = this.groups.map((g, gi) => {
      const hyper = {
        lr: g.lr, momentum: g.momentum, dampening: 0, weight_decay: g.weight_decay, nesterov: this.nesterov,
        maximize: false, foreach: null, differentiable: false,
      };
      // Groups added with add_param_group({'params', 'weight_decay'}) list weight_decay first, as torch saves them.
      const { weight_decay, ...rest } = hyper;
      const ordered = gi === 0 ? hyper : { weight_decay, ...rest };
      return { ...ordered, initial_lr: g.initial_lr, params: ids[gi] };
    });
    return { param_groups, state };
  }

  loadState(s: OptimizerState, file = 'optimizer'): void {
    const matched = matchGroups(s, this.groups, file);
    checkStateKeys(s, ['momentum_buffer'], this.name, file, flatParams(this.groups).length);
    const hyper = matched.map(({ saved }, gi) => {
      const g = this.groups[gi];
      if (saved.dampening !== undefined && saved.dampening !== 0) {
        throw new OptimizerError('bad_state', `optimizer group ${gi} has dampening ${JSON.stringify(saved.dampening)}; upstream's SGD uses 0`, { file });
      }
      return {
        lr: groupNumber(saved, 'lr', g.lr, gi, file),
        initial_lr: groupNumber(saved, 'initial_lr', g.initial_lr, gi, file),
        momentum: groupNumber(saved, 'momentum', g.momentum, gi, file),
        weight_decay: groupNumber(saved, 'weight_decay', g.weight_decay, gi, file),
      };
    });
    const loaded = new Map<tf.Variable, tf.Variable>();
    try {
      matched.forEach(({ refs, ids }) => refs.forEach((p, i) => {
        const buf = s.state.get(ids[i])?.momentum_buffer;
        if (buf !== undefined && buf !== null) loaded.set(p.variable, fromTorchTensor(buf, p, 'momentum_buffer', file));
      }));
    } catch (e) {
      tf.dispose([...loaded.values()]);
      throw e;
    }
    // Everything checked: now replace the groups' hyper-parameters (torch's load_state_dict does too) and buffers.
    hyper.forEach((h, gi) => Object.assign(this.groups[gi], h));
    tf.dispose([...this.buffers.values()]);
    this.buffers.clear();
    for (const [v, b] of loaded) this.buffers.set(v, b);
  }

  dispose(): void {
    tf.dispose([...this.buffers.values()]);
    this.buffers.clear();
  }
}
