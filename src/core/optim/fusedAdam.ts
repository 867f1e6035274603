// The multi-tensor Adam / AdamW (issue 7): adam.ts's update, element for element in the same op order, over one
// flat buffer per parameter group (weights, exp_avg, exp_avg_sq), with the fused clip of flat.ts.
//
// Bias correction depends on each parameter's own step count, so a group runs flat only while all of its params
// with a gradient share one count (always, unless params were skipped in some steps); otherwise that group takes
// adam.ts's per-tensor path for the step. state() / loadState() go through Adam's per-parameter moments, so
// checkpoints are unchanged.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerState } from '../io';
import { Adam, ADAM_BETA2, ADAM_EPS } from './adam';
import { FlatCache, flatClip, gatherFlat, scatterFlat } from './flat';
import { checkGrads, type Grads } from './optimizer';
import type { ParamRef } from './paramGroups';

interface FlatGroup {
  layout: ParamRef[];
  key: string;
  weights: FlatCache;
  /** Shared step count of the layout's params (0: none has state yet). */
  step: number;
  /** (n,) exp_avg and exp_avg_sq over the layout. */
  m: tf.Tensor1D;
  v: tf.Tensor1D;
}

export class FusedAdam extends Adam {
  private flat: (FlatGroup | null)[] = this.groups.map(() => null);

  override step(grads: Grads): void {
    this.fusedStep(grads, null).dispose();
  }

  /** clip_grad_norm_(maxNorm) + step; returns the pre-clip total norm on the device. The caller owns `grads`. */
  clipAndStep(grads: Grads, maxNorm: number): tf.Scalar {
    return this.fusedStep(grads, maxNorm);
  }

  private fusedStep(grads: Grads, maxNorm: number | null): tf.Scalar {
    checkGrads(this.groups, grads);
    const actives = this.groups.map((g) => g.params.filter((p) => grads.has(p.variable)));
    const flatOk = actives.map((a, gi) => this.ensureLayout(gi, a));
    const next: ({ w: tf.Tensor1D; m: tf.Tensor1D; v: tf.Tensor1D } | null)[] = [];
    /** Per-tensor fallback groups: their clipped gradients, stepped by adam.ts after the flat groups. */
    const loose = new Map<tf.Variable, tf.Tensor>();
    const total = tf.tidy(() => {
      // (n_group,) gradients of every group with any, flat or not, so the clip sees them all.
      const gflat = actives.map((a) => (a.length ? gatherFlat(a.map((p) => grads.get(p.variable)!)) : null));
      const { coef, total: totalNorm } = flatClip(gflat, maxNorm);
      this.groups.forEach((group, gi) => {
        const f = this.flat[gi];
        const gf = gflat[gi];
        if (!gf) return next.push(null);
        if (!flatOk[gi] || !f) {
          for (const p of actives[gi]) {
            const g = grads.get(p.variable)!;
            loose.set(p.variable, tf.keep(coef ? tf.mul(g, coef) : g.clone()));
          }
          return next.push(null);
        }
        const { lr, momentum: beta1, weight_decay: wd } = group;
        const step = f.step + 1;
        let g: tf.Tensor = coef ? tf.mul(gf, coef) : gf;
        let w: tf.Tensor = f.weights.get();
        // adam.ts's op order, element for element.
        if (wd !== 0) {
          if (this.decoupled) w = tf.mul(w, 1 - lr * wd);
          else g = tf.add(g, tf.mul(w, wd));
        }
        const m = tf.add(tf.mul(f.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(f.v, ADAM_BETA2), tf.mul(tf.mul(g, 1 - ADAM_BETA2), g));
        const bc1 = 1 - beta1 ** step;
        const bc2Sqrt = Math.sqrt(1 - ADAM_BETA2 ** step);
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), ADAM_EPS);
        const w2 = tf.sub(w, tf.mul(tf.div(m, denom), lr / bc1));
        return next.push({ w: tf.keep(w2) as tf.Tensor1D, m: tf.keep(m) as tf.Tensor1D, v: tf.keep(v) as tf.Tensor1D });
      });
      return totalNorm;
    });
    next.forEach((n, gi) => {
      const f = this.flat[gi];
      if (!n || !f) return;
      tf.dispose([f.m, f.v]);
      f.m = n.m;
      f.v = n.v;
      f.step += 1;
      f.weights.write(n.w);
    });
    if (loose.size > 0) {
      try {
        super.step(loose);
      } finally {
        tf.dispose([...loose.values()]);
      }
    }
    return total;
  }

  /**
   * Makes group gi's flat buffers cover `active` when their params share one step count (true), else leaves the
   * group per-tensor for this step (false).
   */
  private ensureLayout(gi: number, active: ParamRef[]): boolean {
    const key = active.map((p) => p.variable.id).join(',');
    const cur = this.flat[gi];
    if (cur && cur.key === key) return true;
    if (cur) this.spillGroup(gi);
    if (active.length === 0) return true;
    const states = active.map((p) => this.moments.get(p.variable));
    const step = states[0]?.step ?? 0;
    if (!states.every((s) => (s?.step ?? 0) === step)) return false;
    const [m, v] = tf.tidy(() => [
      gatherFlat(active.map((p, i) => states[i]?.expAvg ?? tf.zeros(p.variable.shape))),
      gatherFlat(active.map((p, i) => states[i]?.expAvgSq ?? tf.zeros(p.variable.shape))),
    ]);
    for (const p of active) {
      const s = this.moments.get(p.variable);
      if (!s) continue;
      tf.dispose([s.expAvg, s.expAvgSq]);
      this.moments.delete(p.variable);
    }
    this.flat[gi] = { layout: active, key, weights: new FlatCache(active.map((p) => p.variable)), step, m, v };
    return true;
  }

  /** Group gi's flat moments back into Adam's per-parameter moments (none while its step count is 0). */
  private spillGroup(gi: number): void {
    const f = this.flat[gi];
    if (!f) return;
    if (f.step > 0) {
      tf.tidy(() => {
        const shapes = f.layout.map((p) => p.variable.shape);
        const [ms, vs] = [scatterFlat(f.m, shapes), scatterFlat(f.v, shapes)];
        f.layout.forEach((p, i) => {
          this.moments.set(p.variable, { step: f.step, expAvg: tf.variable(ms[i], false), expAvgSq: tf.variable(vs[i], false) });
        });
      });
    }
    tf.dispose([f.m, f.v]);
    f.weights.dispose();
    this.flat[gi] = null;
  }

  private spillAll(): void {
    this.groups.forEach((_, gi) => this.spillGroup(gi));
  }

  override async state(): Promise<OptimizerState> {
    this.spillAll();
    return super.state();
  }

  override loadState(s: OptimizerState, file = 'optimizer'): void {
    this.spillAll();
    super.loadState(s, file);
  }

  override dispose(): void {
    this.spillAll();
    super.dispose();
  }
}
