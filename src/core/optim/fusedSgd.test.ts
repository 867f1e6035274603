// The multi-tensor path against the per-tensor one on the cpu backend: FusedSGD (+ its fused clip) vs SGD +
// clipGradNorm, and the fused EMA vs the per-pair loop, step for step with warmup-changing lr / momentum, a decay
// group, frozen and intermittently unused parameters, checkpoint state, and no leaked tensors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { EmaAverager, type EmaPair } from './ema';
import { FusedSGD } from './fusedSgd';
import {
  grads, makeRig, none, relDiff, run, SPEC, values, type Rig, type RunOpts,
} from './flatTesting';
import { clipAndStep, clipGradNorm, GradAccumulator } from './grads';
import { flatParams } from './optimizer';
import { SGD } from './sgd';

beforeAll(async () => {
  await useBackend('cpu');
});


async function compare(o: RunOpts): Promise<{ diff: number; ref: Float32Array[]; got: Float32Array[]; stock: SGD; fused: FusedSGD; a: Rig; b: Rig }> {
  const a = makeRig(7);
  const b = makeRig(7);
  const stock = new SGD(a.groups, { nesterov: true });
  const fused = new FusedSGD(b.groups, { nesterov: true });
  run(stock, a, o);
  run(fused, b, o);
  const ref = await values(a.vars);
  const got = await values(b.vars);
  return { diff: relDiff(got, ref), ref, got, stock, fused, a, b };
}

function cleanup(r: { stock: SGD; fused: FusedSGD; a: Rig; b: Rig }): void {
  r.stock.dispose();
  r.fused.dispose();
  tf.dispose([...r.a.vars, ...r.b.vars]);
}

describe('FusedSGD vs SGD (cpu)', () => {
  it('no clipping, 6 steps with warmup-changing lr / momentum and a decay group: bit-identical weights', async () => {
    const r = await compare({ steps: 6, maxNorm: null, skip: none, scale: 0.5 });
    r.got.forEach((g, i) => expect(Array.from(g), SPEC[i][0]).toEqual(Array.from(r.ref[i])));
    cleanup(r);
  });

  it('clipping inactive (norm far below max_norm): coefficient exactly 1, bit-identical', async () => {
    const r = await compare({ steps: 5, maxNorm: 1e6, skip: none, scale: 0.5 });
    r.got.forEach((g, i) => expect(Array.from(g), SPEC[i][0]).toEqual(Array.from(r.ref[i])));
    cleanup(r);
  });

  it('clipping active (norm ~30x max_norm): only the total norm is summed in another order, ≤ 1e-7 relative', async () => {
    const r = await compare({ steps: 6, maxNorm: 1, skip: none, scale: 2 });
    // The clip must really act, else this test proves nothing: one clipped step moves weights by lr * g * coef.
    const unclipped = await compare({ steps: 6, maxNorm: null, skip: none, scale: 2 });
    expect(relDiff(unclipped.got, r.ref)).toBeGreaterThan(1e-3);
    expect(r.diff).toBeLessThanOrEqual(1e-7);
    cleanup(r);
    cleanup(unclipped);
  });

  it('frozen params (never a gradient) and params unused in some steps: same as torch skipping .grad None', async () => {
    // 0.bn.weight frozen throughout; 2.conv.weight and 24.m.0.bias missing in steps 1 and 3 (layout changes).
    const skip = (s: number) => new Set(s === 1 || s === 3 ? [1, 6, 10] : [1]);
    const r = await compare({ steps: 5, maxNorm: null, skip, scale: 0.5 });
    r.got.forEach((g, i) => expect(Array.from(g), SPEC[i][0]).toEqual(Array.from(r.ref[i])));
    // Same torch state: momentum_buffer for exactly the params that ever had a gradient, same values.
    const [ss, fs] = [await r.stock.state(), await r.fused.state()];
    expect([...fs.state.keys()].sort()).toEqual([...ss.state.keys()].sort());
    expect(fs.state.has(flatParams(r.b.groups).findIndex((p) => p.name === '0.bn.weight'))).toBe(false);
    expect(fs.state.size).toBe(SPEC.length - 1);
    for (const [k, v] of ss.state) expect(fs.state.get(k)).toEqual(v);
    expect(fs.param_groups).toEqual(ss.param_groups);
    cleanup(r);
  });

  it('state() mid-run, then loadState into a fresh FusedSGD: continues exactly as the per-tensor SGD', async () => {
    const o: RunOpts = { steps: 3, maxNorm: 5, skip: none, scale: 1 };
    const r = await compare(o);
    const saved = await r.stock.state();
    expect(await r.fused.state()).toEqual(saved); // torch layout, OIHW buffers, same numbers (clip ≤ 1 ulp)
    // Resume: both sides continue from the same saved weights and momentum, the fused one from loadState.
    r.b.vars.forEach((v, i) => v.assign(r.a.vars[i]));
    const resumed = new FusedSGD(r.b.groups, { nesterov: true });
    resumed.loadState(saved);
    run(r.stock, r.a, { ...o, maxNorm: null }, 3);
    run(resumed, r.b, { ...o, maxNorm: null }, 3);
    const [ref, got] = [await values(r.a.vars), await values(r.b.vars)];
    got.forEach((g, i) => expect(Array.from(g), SPEC[i][0]).toEqual(Array.from(ref[i])));
    resumed.dispose();
    cleanup(r);
  });

  it('returns the pre-clip total norm, within 1e-6 of clipGradNorm', async () => {
    const rig = makeRig(3);
    const opt = new FusedSGD(rig.groups);
    const g = grads(rig, 0, new Set([1]), 1);
    const { grads: c, totalNorm } = clipGradNorm(g, 10);
    const fusedNorm = opt.clipAndStep(g, 10);
    const [want, got] = [(await totalNorm.data())[0], (await fusedNorm.data())[0]];
    expect(Math.abs(got - want) / want).toBeLessThanOrEqual(1e-6);
    tf.dispose([...g.values(), ...c.values(), totalNorm, fusedNorm, ...rig.vars]);
    opt.dispose();
  });

  it('no tensor leaks: numTensors unchanged from step 2 on (clip + SGD + fused EMA)', () => {
    const rig = makeRig(5);
    const opt = new FusedSGD(rig.groups);
    const emaVars = rig.vars.map((v) => tf.variable(v, false));
    const ema = new EmaAverager(emaVars.map((e, i): EmaPair => ({ name: SPEC[i][0], ema: e, model: rig.vars[i] })), 0, 0.9999, 2000, true);
    const step = (s: number) => {
      const acc = new GradAccumulator();
      const g = grads(rig, s, new Set(), 1);
      acc.add(g);
      tf.dispose([...g.values()]);
      clipAndStep(opt, acc, 10).dispose();
      ema.update();
    };
    step(0); // burn-in: flat momentum, flat weights and the EMA buffer appear here
    const n = tf.memory().numTensors;
    step(1);
    step(2);
    expect(tf.memory().numTensors).toBe(n);
    opt.dispose();
    ema.dispose();
    tf.dispose([...rig.vars, ...emaVars]);
  });
});

describe('fused EMA vs per-pair EMA (cpu)', () => {
  it('8 updates while the model moves (and one outside write to an EMA variable): bit-identical', async () => {
    const make = (fused: boolean) => {
      const rig = makeRig(11);
      const emaVars = rig.vars.map((v) => tf.variable(tf.mul(v, 0.5), false));
      const host = { ema: Float32Array.from([1, 2, 3]), model: Float32Array.from([1.5, 2.5, 3.5]) };
      const pairs: EmaPair[] = [
        ...emaVars.map((e, i): EmaPair => ({ name: SPEC[i][0], ema: e, model: rig.vars[i] })),
        { name: 'anchors', emaHost: host.ema, modelHost: host.model },
      ];
      return { rig, emaVars, host, avg: new EmaAverager(pairs, 0, 0.9999, 3, fused) };
    };
    const [a, b] = [make(false), make(true)];
    for (let s = 0; s < 8; s++) {
      for (const side of [a, b]) {
        side.rig.vars.forEach((v) => v.assign(tf.tidy(() => tf.add(v, tf.mul(grads(side.rig, s, new Set(), 0.1).get(v)!, 1)))));
        if (s === 4) side.emaVars[2].assign(tf.tidy(() => tf.mul(side.emaVars[2], 1.25))); // e.g. a resume load
        expect(side.avg.update()).toBe(emaOf(side));
      }
    }
    const [ref, got] = [await values(a.emaVars), await values(b.emaVars)];
    got.forEach((g, i) => expect(Array.from(g), SPEC[i][0]).toEqual(Array.from(ref[i])));
    expect(Array.from(b.host.ema)).toEqual(Array.from(a.host.ema));
    // Not trivially equal to the model: the average lags behind it.
    expect(relDiff(got, await values(b.rig.vars))).toBeGreaterThan(1e-3);
    for (const side of [a, b]) {
      side.avg.dispose();
      tf.dispose([...side.rig.vars, ...side.emaVars]);
    }
  });
});

/** The decay the averager just used (recomputed from its count). */
function emaOf(side: { avg: EmaAverager }): number {
  return side.avg.decay * (1 - Math.exp(-side.avg.updates / side.avg.tau));
}
