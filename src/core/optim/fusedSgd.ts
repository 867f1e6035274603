// The multi-tensor SGD path (issue 7): the same torch SGD (nesterov, momentum, L2 decay per group) and
// clip_grad_norm_ as sgd.ts + grads.ts, but over one flat buffer per parameter group instead of one small kernel
// chain per tensor. Per group and step: gather the gradients once, one sum of squares for the clip, a handful of
// element-wise ops on (n,) buffers (one kernel where the backend has it: flatOps.ts), and one scatter back into the
// per-parameter variables. The element-wise op order is sgd.ts's, so with the same clip coefficient every weight
// comes out bit-identical; only the clip's total norm is summed in another order (one reduction instead of a norm
// of per-tensor norms: ~1 ulp apart).
//
// Momentum lives flat between steps, over the params that had a gradient in the last step (the group's
// "layout"). A param without torch state sits there as zeros, and momentum * 0 + d = d is torch's first-step
// buf = d exactly. state() / loadState() go through SGD's per-parameter buffers, so checkpoints are unchanged.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerState } from '../io';
import { FlatCache, flatClip, gatherFlat, scatterFlat } from './flat';
import { flatSgdStep } from './flatOps';
import { checkGrads, type Grads } from './optimizer';
import type { ParamRef } from './paramGroups';
import { SGD } from './sgd';

interface FlatGroup {
  /** Params with a gradient in the last step, in group order; the flat buffers follow this order. */
  layout: ParamRef[];
  key: string;
  weights: FlatCache;
  /** (n,) momentum over the layout. */
  mom: tf.Tensor1D;
}

export class FusedSGD extends SGD {
  private flat: (FlatGroup | null)[] = this.groups.map(() => null);
  /** Layout params that have a torch momentum_buffer (had a gradient while momentum != 0, or were loaded). */
  private readonly hasState = new Set<tf.Variable>();

  /** optimizer.step() with already clipped gradients, as SGD.step. */
  override step(grads: Grads): void {
    this.fusedStep(grads, null).dispose();
  }

  /**
   * clip_grad_norm_(maxNorm) + step in one pass over the flat buffers. Returns the pre-clip total norm on the
   * device (dispose it). The caller still owns `grads`.
   */
  clipAndStep(grads: Grads, maxNorm: number): tf.Scalar {
    return this.fusedStep(grads, maxNorm);
  }

  private fusedStep(grads: Grads, maxNorm: number | null): tf.Scalar {
    checkGrads(this.groups, grads); // all shapes first, so a bad gradient changes nothing
    this.groups.forEach((g, gi) => this.ensureLayout(gi, g.params.filter((p) => grads.has(p.variable))));
    const next: ({ w: tf.Tensor1D; mom: tf.Tensor1D | null } | null)[] = [];
    const total = tf.tidy(() => {
      // (n_group,) gradients, one gather per group.
      const gflat = this.flat.map((f) => (f ? gatherFlat(f.layout.map((p) => grads.get(p.variable)!)) : null));
      const { coef, total: totalNorm } = flatClip(gflat, maxNorm);
      this.groups.forEach((group, gi) => {
        const f = this.flat[gi];
        const gf = gflat[gi];
        if (!f || !gf) {
          next.push(null);
          return;
        }
        const { lr, momentum, weight_decay: wd } = group;
        const w = f.weights.get();
        if (momentum !== 0) {
          // sgd.ts's op order, element for element; one kernel where the backend has it (flatOps.ts).
          const [w2, buf] = flatSgdStep(gf, w, f.mom, coef, { lr, momentum, weightDecay: wd, nesterov: this.nesterov });
          next.push({ w: tf.keep(w2), mom: tf.keep(buf) });
          return;
        }
        const g = coef ? tf.mul(gf, coef) : gf;
        const d: tf.Tensor = wd !== 0 ? tf.add(g, tf.mul(w, wd)) : g;
        next.push({ w: tf.keep(tf.sub(w, tf.mul(d, lr))) as tf.Tensor1D, mom: null });
      });
      return totalNorm;
    });
    next.forEach((n, gi) => {
      const f = this.flat[gi];
      if (!n || !f) return;
      if (n.mom) {
        f.mom.dispose();
        f.mom = n.mom;
        for (const p of f.layout) this.hasState.add(p.variable);
      }
      f.weights.write(n.w);
    });
    return total;
  }

  /** Makes group gi's flat buffers cover exactly `active`, moving momentum between flat and per-param form. */
  private ensureLayout(gi: number, active: ParamRef[]): void {
    const key = active.map((p) => p.variable.id).join(',');
    const cur = this.flat[gi];
    if (cur && cur.key === key) return;
    if (cur) this.spillGroup(gi);
    if (active.length === 0) return;
    const mom = tf.tidy(() => gatherFlat(active.map((p) => this.buffers.get(p.variable) ?? tf.zeros(p.variable.shape))));
    for (const p of active) {
      const b = this.buffers.get(p.variable);
      if (!b) continue;
      this.hasState.add(p.variable);
      b.dispose();
      this.buffers.delete(p.variable);
    }
    this.flat[gi] = { layout: active, key, weights: new FlatCache(active.map((p) => p.variable)), mom };
  }

  /** Group gi's flat momentum back into SGD's per-parameter buffers (only params with torch state). */
  private spillGroup(gi: number): void {
    const f = this.flat[gi];
    if (!f) return;
    tf.tidy(() => {
      const pieces = scatterFlat(f.mom, f.layout.map((p) => p.variable.shape));
      f.layout.forEach((p, i) => {
        if (!this.hasState.has(p.variable)) return;
        this.buffers.get(p.variable)?.dispose();
        this.buffers.set(p.variable, tf.variable(pieces[i], false));
        this.hasState.delete(p.variable);
      });
    });
    f.mom.dispose();
    f.weights.dispose();
    this.flat[gi] = null;
  }

  private spillAll(): void {
    this.groups.forEach((_, gi) => this.spillGroup(gi));
  }

  override async state(): Promise<OptimizerState> {
    this.spillAll(); // the next step gathers again (once per checkpoint, not per step)
    return super.state();
  }

  override loadState(s: OptimizerState, file = 'optimizer'): void {
    this.spillAll(); // so a refused state leaves the current momentum intact
    super.loadState(s, file);
  }

  override dispose(): void {
    this.spillAll();
    super.dispose();
  }
}
