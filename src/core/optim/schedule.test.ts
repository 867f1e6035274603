import { describe, expect, it } from 'vitest';
import { readRefJson } from '../../../test/refs';
import { hypPreset } from '../config/hyps';
import { epochEndLr, iterationSchedule, linearLf, lrLambda, oneCycle, warmupIterations, type ScheduleConfig } from './schedule';
import { nominalBatch } from './paramGroups';

type Row = [number, number, number, number, number, number, number, number, number, number, boolean];
interface Case {
  nw: number;
  weight_decay_scaled: number;
  lf_per_epoch: number[];
  columns: string[];
  rows: Row[];
  epoch_end_lr_logged: number[][];
}
const ref = readRefJson<{ description: string; linear: Case; cos_lr: Case }>('lr_schedule.json');

// The fixture's setting: epochs 10, nb 13, batch 16, hyp.scratch-low, SGD.
const EPOCHS = 10;
const NB = 13;
const BATCH = 16;
const hyp = hypPreset('scratch-low');

function config(cos: boolean): ScheduleConfig {
  return {
    nb: NB, nw: warmupIterations(hyp.warmup_epochs, NB), batchSize: BATCH,
    lf: lrLambda({ cos_lr: cos, epochs: EPOCHS, lrf: hyp.lrf }),
    initialLr: [hyp.lr0, hyp.lr0, hyp.lr0],
    warmup_bias_lr: hyp.warmup_bias_lr, warmup_momentum: hyp.warmup_momentum, momentum: hyp.momentum,
    hasMomentum: true,
  };
}

/**
 * The fixture stores 6 significant digits, i.e. up to 5e-6 relative rounding for a leading 1 (0.0882685 stands for
 * 0.08826850486...). So: our value rounded to 6 significant digits is the fixture's, or within 1e-6 relative.
 */
function close6(actual: number, expected: number): boolean {
  return Number(actual.toPrecision(6)) === expected || Math.abs(actual - expected) <= 1e-6 * Math.abs(expected);
}

describe.each([['linear', false], ['cos_lr', true]] as const)('lr schedule parity (%s)', (key, cos) => {
  const c = ref[key];
  const cfg = config(cos);

  it('has the fixture columns we read', () => {
    expect(c.columns).toEqual(['epoch', 'i', 'ni', 'lr_g0_bias', 'lr_g1_weight_decay', 'lr_g2_bn_weight', 'mom_g0', 'mom_g1', 'mom_g2', 'accumulate', 'optimizer_step']);
    expect(c.rows).toHaveLength(EPOCHS * NB);
  });

  it('nw, scaled weight decay and lf(epoch) match', () => {
    expect(cfg.nw).toBe(c.nw);
    expect(nominalBatch(BATCH, hyp.weight_decay).weightDecay).toBeCloseTo(c.weight_decay_scaled, 15);
    c.lf_per_epoch.forEach((v, e) => expect(close6(cfg.lf(e), v), `lf(${e}) = ${cfg.lf(e)} vs ${v}`).toBe(true));
  });

  it('every iteration: lr and momentum of the 3 groups to the fixture\'s 6 digits, accumulate and step exactly', () => {
    let lastOptStep = -1;
    const mismatches: string[] = [];
    for (const row of c.rows) {
      const [epoch, i, ni, lr0, lr1, lr2, m0, m1, m2, accumulate, step] = row;
      const s = iterationSchedule(cfg, epoch, i, lastOptStep);
      if (s.step) lastOptStep = s.ni;
      const ok = s.ni === ni && s.accumulate === accumulate && s.step === step
        && close6(s.lr[0], lr0) && close6(s.lr[1], lr1) && close6(s.lr[2], lr2)
        && [m0, m1, m2].every((m) => close6(s.momentum!, m));
      if (!ok) mismatches.push(`ni ${ni}: got lr ${s.lr} mom ${s.momentum} acc ${s.accumulate} step ${s.step}; want ${row}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('per-epoch lr as results.csv logs it', () => {
    c.epoch_end_lr_logged.forEach((want, epoch) => {
      const got = epochEndLr(cfg, epoch);
      want.forEach((w, j) => expect(close6(got[j], w), `epoch ${epoch} group ${j}: ${got[j]} vs ${w}`).toBe(true));
    });
  });
});

describe('schedule pieces', () => {
  it('linear lf goes 1 -> lrf over `epochs`; one_cycle is a half cosine from y1 to y2', () => {
    const lf = linearLf(10, 0.01);
    expect([lf(0), lf(5), lf(10)]).toEqual([1, 0.505, 0.01]);
    const oc = oneCycle(1, 0.01, 10);
    expect(oc(0)).toBe(1);
    expect(oc(10)).toBeCloseTo(0.01, 15);
    expect(oc(5)).toBeCloseTo(0.505, 15);
  });

  it('warmup is at least 100 iterations, round() half to even', () => {
    expect(warmupIterations(3, 13)).toBe(100);
    expect(warmupIterations(3, 500)).toBe(1500);
    expect(warmupIterations(0.5, 401)).toBe(200); // 200.5 -> 200 (even)
    expect(warmupIterations(0.5, 403)).toBe(202); // 201.5 -> 202 (even)
  });

  it('accumulate ramps with numpy round (half to even): 2.5 -> 2', () => {
    const cfg = config(false);
    // interp(50, [0, 100], [1, 4]) = 2.5 -> 2; interp(83.33..) etc.
    expect(iterationSchedule(cfg, 3, 11, -1).accumulate).toBe(2); // ni = 50
    expect(iterationSchedule(cfg, 3, 12, -1).accumulate).toBe(3); // ni = 51: 2.53
  });

  it('Adam/AdamW groups have no momentum key: warmup leaves beta1 alone', () => {
    const cfg = { ...config(false), hasMomentum: false };
    const s = iterationSchedule(cfg, 0, 5, -1);
    expect(s.momentum).toBeNull();
    expect(s.lr[0]).toBeCloseTo(0.1 - 5 * (0.1 - 0.01) / 100, 15);
  });

  it('after warmup: lf lags one epoch, except the rest of the epoch where warmup ended', () => {
    // nb 50, nw 100: warmup ends in epoch 2 at i = 0.
    const cfg = { ...config(false), nb: 50, nw: 100 };
    expect(iterationSchedule(cfg, 2, 0, -1).warmup).toBe(true);
    expect(iterationSchedule(cfg, 2, 1, -1).lr[1]).toBeCloseTo(0.01 * cfg.lf(2), 15);
    expect(iterationSchedule(cfg, 3, 0, -1).lr[1]).toBeCloseTo(0.01 * cfg.lf(2), 15);
    expect(iterationSchedule(cfg, 7, 0, -1).lr).toEqual([0.01 * cfg.lf(6), 0.01 * cfg.lf(6), 0.01 * cfg.lf(6)]);
  });

  it('a step happens when ni - last_opt_step >= accumulate (a resumed run starts from -1)', () => {
    const cfg = config(false);
    expect(iterationSchedule(cfg, 8, 0, 103).step).toBe(false);
    expect(iterationSchedule(cfg, 8, 0, -1).step).toBe(true);
  });
});
