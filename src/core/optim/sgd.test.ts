// SGD (nesterov, decay on the weights group) and Adam/AdamW against a float64 re-derivation of PyTorch 1.13's
// update rules, written here independently of the implementation.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { worst } from '../../../test/refs';
import { Adam } from './adam';
import { OptimizerError } from './errors';
import type { ParamGroup, ParamRef } from './paramGroups';
import { SGD } from './sgd';

beforeAll(async () => {
  await useBackend('cpu');
});

// Three parameters, one per upstream group: a bias (3), a 1x1 conv weight OIHW (3, 2, 1, 1) = HWIO (1, 1, 2, 3),
// a BN weight (3). Values and gradients are arbitrary fixed numbers (float32-exact via fround).
const f = (xs: number[]) => xs.map(Math.fround);
const INIT = {
  bias: f([0.1, -0.25, 0.5]),
  // OIHW row-major: o0 [i0, i1], o1 [...], o2 [...]
  conv: f([0.3, -0.7, 0.05, 0.9, -0.4, 0.2]),
  bn: f([1.0, 0.98, 1.02]),
};
const GRADS = [
  { bias: f([0.5, -1.5, 2.0]), conv: f([0.01, -0.02, 0.3, 0.25, -0.6, 0.05]), bn: f([-0.2, 0.1, 0.4]) },
  { bias: f([-0.3, 0.7, 1.1]), conv: f([0.2, 0.1, -0.15, -0.05, 0.4, -0.3]), bn: f([0.05, -0.4, 0.2]) },
];
// Group settings that change between the two steps, as train.py's warmup changes them. lr and weight decay are
// larger than in training so that the decay term moves the weights far beyond float32 rounding (and a missing or
// misplaced decay fails the 1e-6 check).
const SETTINGS = [
  { lr: [0.0991, 0.05, 0.03], momentum: 0.80137, wd: 0.05 },
  { lr: [0.0982, 0.04, 0.02], momentum: 0.80274, wd: 0.05 },
];

/** OIHW (3, 2, 1, 1) flat -> HWIO (1, 1, 2, 3) flat. */
const oihwToHwio = (a: number[]) => [0, 1].flatMap((i) => [0, 1, 2].map((o) => a[o * 2 + i]));

function makeGroups(): { groups: ParamGroup[]; vars: Record<'bias' | 'conv' | 'bn', tf.Variable> } {
  const vars = {
    bias: tf.variable(tf.tensor1d(INIT.bias)),
    conv: tf.variable(tf.tensor4d(oihwToHwio(INIT.conv), [1, 1, 2, 3])),
    bn: tf.variable(tf.tensor1d(INIT.bn)),
  };
  const ref = (name: string, variable: tf.Variable, torchShape: number[], hwio: boolean): ParamRef => ({ name, variable, torchShape, hwio });
  const g = (role: ParamGroup['role'], p: ParamRef, wd: number): ParamGroup => ({ role, params: [p], lr: 0.01, initial_lr: 0.01, momentum: 0.937, weight_decay: wd });
  return {
    vars,
    groups: [
      g('bias', ref('m.bias', vars.bias, [3], false), 0),
      g('decay', ref('m.weight', vars.conv, [3, 2, 1, 1], true), SETTINGS[0].wd),
      g('bn', ref('bn.weight', vars.bn, [3], false), 0),
    ],
  };
}

function gradMap(vars: Record<'bias' | 'conv' | 'bn', tf.Variable>, step: number): Map<tf.Variable, tf.Tensor> {
  const g = GRADS[step];
  return new Map<tf.Variable, tf.Tensor>([
    [vars.bias, tf.tensor1d(g.bias)],
    [vars.conv, tf.tensor4d(oihwToHwio(g.conv), [1, 1, 2, 3])],
    [vars.bn, tf.tensor1d(g.bn)],
  ]);
}

const KEYS = ['bias', 'conv', 'bn'] as const;

/** torch.optim.SGD(nesterov=True, dampening=0) in float64. */
function sgdReference(): { params: Record<string, number[]>; bufs: Record<string, number[]> } {
  const params: Record<string, number[]> = { bias: [...INIT.bias], conv: [...INIT.conv], bn: [...INIT.bn] };
  const bufs: Record<string, number[]> = {};
  SETTINGS.forEach((s, step) => {
    KEYS.forEach((k, j) => {
      const wd = k === 'conv' ? s.wd : 0;
      const w = params[k];
      const d = GRADS[step][k].map((g, i) => g + wd * w[i]);
      bufs[k] = bufs[k] ? bufs[k].map((b, i) => s.momentum * b + d[i]) : [...d];
      const dn = d.map((x, i) => x + s.momentum * bufs[k][i]);
      params[k] = w.map((x, i) => x - s.lr[j] * dn[i]);
    });
  });
  return { params, bufs };
}

/** torch.optim.Adam / AdamW (betas (momentum, 0.999), eps 1e-8) in float64. */
function adamReference(decoupled: boolean): Record<string, number[]> {
  const params: Record<string, number[]> = { bias: [...INIT.bias], conv: [...INIT.conv], bn: [...INIT.bn] };
  const m: Record<string, number[]> = {};
  const v: Record<string, number[]> = {};
  const beta1 = 0.937; // Adam groups keep betas: warmup does not touch them
  SETTINGS.forEach((s, step) => {
    const t = step + 1;
    KEYS.forEach((k, j) => {
      const wd = k === 'conv' ? s.wd : 0;
      const lr = s.lr[j];
      let w = params[k];
      let g = GRADS[step][k];
      if (decoupled) w = w.map((x) => x * (1 - lr * wd));
      else g = g.map((x, i) => x + wd * w[i]);
      m[k] = (m[k] ?? g.map(() => 0)).map((x, i) => beta1 * x + (1 - beta1) * g[i]);
      v[k] = (v[k] ?? g.map(() => 0)).map((x, i) => 0.999 * x + (1 - 0.999) * g[i] * g[i]);
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - 0.999 ** t;
      params[k] = w.map((x, i) => x - (lr / bc1) * (m[k][i] / (Math.sqrt(v[k][i]) / Math.sqrt(bc2) + 1e-8)));
    });
  });
  return params;
}

async function readParams(vars: Record<'bias' | 'conv' | 'bn', tf.Variable>): Promise<Record<string, number[]>> {
  const conv = tf.transpose(vars.conv, [3, 2, 0, 1]);
  const out = { bias: Array.from(await vars.bias.data()), conv: Array.from(await conv.data()), bn: Array.from(await vars.bn.data()) };
  conv.dispose();
  return out;
}

function runSteps(opt: SGD | Adam, groups: ParamGroup[], vars: Record<'bias' | 'conv' | 'bn', tf.Variable>, withMomentum: boolean): void {
  SETTINGS.forEach((s, step) => {
    groups.forEach((g, j) => {
      g.lr = s.lr[j];
      if (withMomentum) g.momentum = s.momentum;
    });
    const grads = gradMap(vars, step);
    opt.step(grads);
    tf.dispose([...grads.values()]);
  });
}

describe('SGD', () => {
  it('two nesterov steps of the three groups (decay on weights only) match the float64 PyTorch derivation', async () => {
    const { groups, vars } = makeGroups();
    const opt = new SGD(groups);
    runSteps(opt, groups, vars, true);
    const want = sgdReference();
    const got = await readParams(vars);
    for (const k of KEYS) {
      const w = worst(got[k], want.params[k], 1e-6, 1e-9);
      expect(w.ratio, `${k}: ${JSON.stringify(w)}`).toBeLessThanOrEqual(1);
    }
    // state_dict form: one momentum_buffer per param id, conv buffer in OIHW; groups in upstream's key order.
    const st = await opt.state();
    expect([...st.state.keys()]).toEqual([0, 1, 2]);
    KEYS.forEach((k, i) => {
      const buf = st.state.get(i)!.momentum_buffer as { data: Float32Array; shape: number[] };
      expect(buf.shape).toEqual(k === 'conv' ? [3, 2, 1, 1] : [3]);
      const w = worst(buf.data, want.bufs[k], 1e-6, 1e-9);
      expect(w.ratio, `${k} buffer`).toBeLessThanOrEqual(1);
    });
    expect(Object.keys(st.param_groups[0])).toEqual(['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'maximize', 'foreach', 'differentiable', 'initial_lr', 'params']);
    expect(Object.keys(st.param_groups[1])[0]).toBe('weight_decay');
    expect(st.param_groups.map((g) => g.params)).toEqual([[0], [1], [2]]);
    expect(st.param_groups[1].weight_decay).toBe(0.05);
    expect(st.param_groups[0].weight_decay).toBe(0);
    opt.dispose();
    tf.dispose(Object.values(vars));
  });

  it('skips parameters without a gradient (frozen): no update, no state', async () => {
    const { groups, vars } = makeGroups();
    const opt = new SGD(groups);
    const grads = gradMap(vars, 0);
    grads.get(vars.bn)!.dispose();
    grads.delete(vars.bn);
    opt.step(grads);
    expect(Array.from(await vars.bn.data())).toEqual(INIT.bn);
    expect([...(await opt.state()).state.keys()]).toEqual([0, 1]);
    tf.dispose([...grads.values()]);
    opt.dispose();
    tf.dispose(Object.values(vars));
  });

  it('a gradient of the wrong shape is refused before anything moves', async () => {
    const { groups, vars } = makeGroups();
    const opt = new SGD(groups);
    const grads = gradMap(vars, 0);
    grads.get(vars.bn)!.dispose();
    grads.set(vars.bn, tf.zeros([4]));
    expect(() => opt.step(grads)).toThrow(OptimizerError);
    expect(() => opt.step(grads)).toThrow("gradient of 'bn.weight' has shape [4] but the parameter is [3]");
    expect(await readParams(vars)).toEqual({ bias: INIT.bias, conv: INIT.conv, bn: INIT.bn });
    tf.dispose([...grads.values(), ...Object.values(vars)]);
    opt.dispose();
  });

  it('state() -> loadState() on a fresh optimizer continues identically (resume)', async () => {
    const a = makeGroups();
    const b = makeGroups();
    const optA = new SGD(a.groups);
    const g0 = gradMap(a.vars, 0);
    optA.step(g0);
    tf.dispose([...g0.values()]);
    // b starts from a's weights and a's saved optimizer state.
    for (const k of KEYS) b.vars[k].assign(a.vars[k]);
    const optB = new SGD(b.groups);
    a.groups.forEach((g) => { g.lr = 0.05; g.momentum = 0.9; });
    optB.loadState(await optA.state(), 'last.pt');
    expect(b.groups.map((g) => [g.lr, g.momentum])).toEqual([[0.05, 0.9], [0.05, 0.9], [0.05, 0.9]]);
    for (const [opt, vars] of [[optA, a.vars], [optB, b.vars]] as const) {
      const g1 = gradMap(vars, 1);
      opt.step(g1);
      tf.dispose([...g1.values()]);
    }
    const pa = await readParams(a.vars);
    const pb = await readParams(b.vars);
    expect(pb).toEqual(pa);
    optA.dispose();
    optB.dispose();
    tf.dispose([...Object.values(a.vars), ...Object.values(b.vars)]);
  });

  it('refuses states that do not fit: group count/sizes, Adam state, wrong shape, unknown param id', async () => {
    const { groups, vars } = makeGroups();
    const opt = new SGD(groups);
    const g0 = gradMap(vars, 0);
    opt.step(g0);
    tf.dispose([...g0.values()]);
    const good = await opt.state();
    const code = (fn: () => void) => { try { fn(); } catch (e) { expect(e).toBeInstanceOf(OptimizerError); return (e as OptimizerError).code; } return 'no error'; };
    expect(code(() => opt.loadState({ ...good, param_groups: good.param_groups.slice(0, 2) }, 'x.pt'))).toBe('group_mismatch');
    expect(code(() => opt.loadState({ ...good, param_groups: [good.param_groups[0], { ...good.param_groups[1], params: [1, 2] }, good.param_groups[2]] }))).toBe('group_mismatch');
    expect(code(() => opt.loadState({ ...good, state: new Map([[0, { exp_avg: good.state.get(0)!.momentum_buffer }]]) }))).toBe('optimizer_mismatch');
    expect(code(() => opt.loadState({ ...good, state: new Map([[1, { momentum_buffer: { data: new Float32Array(6), shape: [6], dtype: 'float32' } }]]) }))).toBe('bad_state');
    expect(code(() => opt.loadState({ ...good, state: new Map([[7, good.state.get(0)!]]) }))).toBe('bad_state');
    // Nothing was half-loaded: the original buffers are intact.
    expect(await opt.state()).toEqual(good);
    opt.dispose();
    tf.dispose(Object.values(vars));
  });
});

describe.each([['Adam', false], ['AdamW', true]] as const)('%s', (name, decoupled) => {
  it('two steps match the float64 PyTorch derivation; state round-trips', async () => {
    const { groups, vars } = makeGroups();
    const opt = new Adam(groups, decoupled);
    expect(opt.name).toBe(name);
    runSteps(opt, groups, vars, false);
    const want = adamReference(decoupled);
    const got = await readParams(vars);
    for (const k of KEYS) {
      const w = worst(got[k], want[k], 1e-5, 1e-9);
      expect(w.ratio, `${k}: ${JSON.stringify(w)}`).toBeLessThanOrEqual(1);
    }
    const st = await opt.state();
    const s1 = st.state.get(1)!;
    expect(Object.keys(s1)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect((s1.step as { data: Float32Array }).data[0]).toBe(2);
    expect((s1.exp_avg as { shape: number[] }).shape).toEqual([3, 2, 1, 1]);
    expect(st.param_groups[0].betas).toEqual([0.937, 0.999]);
    const fresh = new Adam(makeGroups().groups, decoupled);
    const other = fresh.groups.map((g) => g.params[0].variable);
    fresh.loadState(st);
    expect(await fresh.state()).toEqual(st);
    fresh.dispose();
    opt.dispose();
    tf.dispose([...Object.values(vars), ...other]);
  });
});
