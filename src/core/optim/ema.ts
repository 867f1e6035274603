// Upstream ModelEMA: an exponential moving average of everything floating in the model's state_dict (parameters,
// BatchNorm running_mean / running_var, and the Detect anchors buffer), with the decay ramped up from 0 so early
// epochs are not dominated by the random init: d = decay * (1 - exp(-updates / tau)).
// Integer buffers (num_batches_tracked) are not averaged; the EMA copy keeps the value it was created with.
import * as tf from '@tensorflow/tfjs';
import { buildModel, type YoloModel } from '../model';
import { FlatCache, gatherFlat } from './flat';
import { flatEma } from './flatOps';

export const EMA_DECAY = 0.9999;
export const EMA_TAU = 2000;

/** d(updates) = decay * (1 - exp(-updates / tau)). */
export function emaDecay(updates: number, decay = EMA_DECAY, tau = EMA_TAU): number {
  return decay * (1 - Math.exp(-updates / tau));
}

/** One averaged state entry: device tensors, or host values (the anchors buffer lives on the host). */
export type EmaPair =
  | { name: string; ema: tf.Variable; model: tf.Variable }
  | { name: string; emaHost: Float32Array; modelHost: Float32Array };

/**
 * The EMA arithmetic over named pairs, independent of YoloModel so it can be tested on any module's state.
 * Per pair, in float32 as torch does it in place: ema = ema * d, then ema += (1 - d) * model.
 */
export class EmaAverager {
  /**
   * The multi-tensor path (`fused`): all device pairs as one flat (n,) EMA buffer, the model side gathered once
   * per update, three element-wise ops (one kernel where the backend has it: flatOps.ts), one scatter back. Same
   * per-element ops as the per-pair loop.
   */
  private readonly flat: { ema: FlatCache; model: tf.Variable[] } | null;

  constructor(readonly pairs: readonly EmaPair[], public updates = 0, readonly decay = EMA_DECAY, readonly tau = EMA_TAU, fused = false) {
    const dev = pairs.filter((p): p is Extract<EmaPair, { ema: tf.Variable }> => 'ema' in p);
    this.flat = fused && dev.length > 0 ? { ema: new FlatCache(dev.map((p) => p.ema)), model: dev.map((p) => p.model) } : null;
  }

  /** updates += 1, then average every pair; returns the decay used. */
  update(): number {
    this.updates += 1;
    const d = emaDecay(this.updates, this.decay, this.tau);
    const keep = 1 - d;
    if (this.flat) {
      const { ema, model } = this.flat;
      // (n,) over every device pair, in pair order.
      ema.write(tf.tidy(() => flatEma(ema.get(), gatherFlat(model), { d, keep })));
    } else {
      tf.tidy(() => {
        for (const p of this.pairs) {
          if ('ema' in p) p.ema.assign(tf.add(tf.mul(p.ema, d), tf.mul(p.model, keep)));
        }
      });
    }
    // Host pairs: torch multiplies a float32 tensor by a Python float in float32, hence the frounds.
    const df = Math.fround(d);
    const kf = Math.fround(keep);
    for (const p of this.pairs) {
      if ('emaHost' in p) {
        const e = p.emaHost;
        for (let i = 0; i < e.length; i++) e[i] = Math.fround(Math.fround(e[i] * df) + Math.fround(kf * p.modelHost[i]));
      }
    }
    return d;
  }

  /** Frees the flat buffer of the fused path (the pairs' variables belong to their models). */
  dispose(): void {
    this.flat?.ema.dispose();
  }
}

/**
 * ModelEMA over a YoloModel: a second model of the same config whose tensors are the averages, so validation can
 * run it like any model. Create it where upstream does (after the optimizer, before AutoAnchor: the EMA copy then
 * starts with the config's anchors and averages towards the new ones, as upstream's does).
 */
export class ModelEMA {
  readonly averager: EmaAverager;

  private constructor(readonly ema: YoloModel, pairs: EmaPair[], updates: number, decay: number, tau: number, fused: boolean) {
    this.averager = new EmaAverager(pairs, updates, decay, tau, fused);
  }

  /** deepcopy(model) as the EMA, paired entry by entry with the live model. */
  static create(model: YoloModel, { updates = 0, decay = EMA_DECAY, tau = EMA_TAU, fused = false } = {}): ModelEMA {
    const ema = buildModel(model.cfg, { nc: model.nc });
    const pairs: EmaPair[] = [];
    model.entries.forEach((src, i) => {
      const dst = ema.entries[i];
      if (!dst || dst.name !== src.name) {
        ema.dispose();
        throw new Error(`EMA copy has '${dst?.name}' where the model has '${src.name}'`);
      }
      switch (src.kind) {
        case 'conv_weight':
        case 'param':
        case 'running':
          dst.variable!.assign(src.variable!);
          // Never picked up by a gradient tape that collects trainable variables.
          dst.variable!.trainable = false;
          pairs.push({ name: src.name, ema: dst.variable!, model: src.variable! });
          break;
        case 'count':
          (dst.host as { value: number }).value = (src.host as { value: number }).value;
          break;
        case 'anchors': {
          const from = (src.host as { values: Float32Array }).values;
          const to = (dst.host as { values: Float32Array }).values;
          to.set(from);
          pairs.push({ name: src.name, emaHost: to, modelHost: from });
          break;
        }
      }
    });
    return new ModelEMA(ema, pairs, updates, decay, tau, fused);
  }

  get updates(): number {
    return this.averager.updates;
  }

  /** Resume sets the saved count (checkpoint 'updates') after loading the EMA state_dict into `ema`. */
  set updates(n: number) {
    this.averager.updates = n;
  }

  /** After each optimizer step; returns the decay used. */
  update(): number {
    return this.averager.update();
  }

  dispose(): void {
    this.averager.dispose();
    this.ema.dispose();
  }
}
