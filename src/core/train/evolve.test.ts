// Hyperparameter evolution: one mutation checked by hand against scripted and seeded draws (gains, limits,
// rounding, parent weighting), evolve.csv / hyp_evolve.yaml formats against Python's output. The 3-generation run
// through `yolo-studio train --evolve` is in src/cli/evolve.test.ts.
import { describe, expect, it } from 'vitest';
import { EVOLVE_META } from '../config/evolveMeta';
import { hypPreset, type Hyp, type HypKey } from '../config/hyps';
import { modelConfig } from '../model';
import { createRng, type Rng } from '../rng';
import {
  anchorCountConfig, EVOLVE_RESULT_KEYS, evolveCsvHeader, evolveCsvRow, EvolveError, evolveHypKeys, hypEvolveYaml,
  mutationFactors, mutationSummary, nextGenerationHyp, parseEvolveCsv, prepareEvolveHyp, pyRound, selectParent,
  type EvolveTable,
} from './evolve';

/** An Rng that hands out exactly the given draws, in order, and fails on any draw beyond them. */
function scripted(uniforms: number[], normals: number[]): Rng & { left(): number } {
  const u = [...uniforms];
  const z = [...normals];
  const take = (q: number[], what: string) => {
    if (!q.length) throw new Error(`unexpected extra ${what} draw`);
    return q.shift()!;
  };
  return {
    next: () => take(u, 'uniform'),
    uniform: (lo, hi) => lo + (hi - lo) * take(u, 'uniform'),
    normal: () => take(z, 'normal'),
    int: (n) => Math.floor(take(u, 'uniform') * n),
    state: () => 0,
    left: () => u.length + z.length,
  };
}

const START = prepareEvolveHyp(hypPreset('scratch-low'), false);
const KEYS = evolveHypKeys(START);
const row = (results: number[], hyp: Hyp) => [...results, ...KEYS.map((k) => hyp[k]!)];
/** Three parents: fitness 0.27 (B), 0.45 (A), 0.09 (C), in that file order. */
const A = { ...START, lr0: 0.02 };
const B = { ...START, lr0: 0.01 };
const C = { ...START, lr0: 0.03 };
const TABLE: EvolveTable = {
  keys: [...EVOLVE_RESULT_KEYS, ...KEYS],
  rows: [row([0.9, 0.9, 0, 0.3, 0.1, 0.1, 0.1], B), row([0.1, 0.1, 0, 0.5, 0.1, 0.1, 0.1], A), row([0, 0, 0, 0.1, 0.1, 0.1, 0.1], C)],
};

describe('evolution keys and rounding', () => {
  it('keeps the hyp dict order of upstream: yaml keys, then the appended anchors (dropped by --noautoanchor)', () => {
    expect(KEYS).toHaveLength(29);
    expect(KEYS.slice(0, 3)).toEqual(['lr0', 'lrf', 'momentum']);
    expect(KEYS[13]).toBe('anchor_t');
    expect(KEYS[28]).toBe('anchors');
    expect(START.anchors).toBe(3);
    expect(evolveHypKeys(prepareEvolveHyp({ ...hypPreset('scratch-low'), anchors: 4 }, true))).not.toContain('anchors');
  });

  it("rounds as Python's round(x, 5), exact binary ties to even (values from CPython 3)", () => {
    const cases: [number, number][] = [
      [0.015625, 0.01562], [0.046875, 0.04688], [0.000561728, 0.00056], [0.123455, 0.12345], [0.98765432, 0.98765],
      [3e-6, 0], [7.8125e-6, 1e-5], [1 / 3, 0.33333], [2.811, 2.811],
    ];
    for (const [x, want] of cases) expect(pyRound(x, 5), String(x)).toBe(want);
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(3.5, 0)).toBe(4);
    expect(pyRound(-0.046875, 5)).toBe(-0.04688);
  });
});

describe('one mutation, by hand', () => {
  it('picks the parent as random.choices over the top 5 weighted by fitness - min + 1e-6', () => {
    // Sorted by fitness: A 0.45, B 0.27, C 0.09 -> w = [0.36 + 1e-6, 0.18 + 1e-6, 1e-6], cum [0.360001, 0.540002, 0.540003].
    const pick = (u: number) => selectParent(TABLE.rows, scripted([u], []))[7]; // lr0 tells the parents apart
    expect(pick(0.6)).toBe(0.02); // 0.6 * 0.540003 = 0.324 < 0.360001 -> A
    expect(pick(0.7)).toBe(0.01); // 0.378 -> B
    expect(pick(0.99999)).toBe(0.01); // 0.5399976 < 0.540002 -> still B
    expect(pick(0.9999999)).toBe(0.03); // 0.54000295 >= 0.540002 -> C, whose weight is only the 1e-6
    // A draw landing exactly on A's cumulative weight goes to B (bisect_right).
    const w0 = 0.9 * 0.5 - 0.9 * 0.1 + 1e-6;
    const total = w0 + (0.9 * 0.3 - 0.9 * 0.1 + 1e-6) + 1e-6;
    let u = w0 / total;
    for (let k = 0; u * total !== w0 && k < 8; k++) u = u * total < w0 ? u + Number.EPSILON / 2 : u - Number.EPSILON / 2;
    expect(u * total).toBe(w0);
    expect(pick(u)).toBe(0.01);
  });

  it('mutates with the meta gains, redraws when nothing changed, clips to the limits and rounds to 5 decimals', () => {
    const n = KEYS.length;
    const at = (k: HypKey) => KEYS.indexOf(k);
    // Round 1: every u >= 0.8 -> no key mutates, v == 1 everywhere -> upstream draws again.
    const round1U = new Array(n).fill(0.9);
    const round1Z = new Array(n).fill(1);
    // Round 2: u = 0.5 (< mp, mutate) except for 'box'; r = 0.5, so v = g * z * 0.5 * 0.2 + 1 = 1 + 0.1 g z.
    const u2 = new Array(n).fill(0.5);
    u2[at('box')] = 0.9;
    u2[at('hsv_s')] = 0.8; // random() < mp is false at mp itself
    const z2 = new Array(n).fill(0);
    z2[at('lr0')] = 1.5; // v 1.15: 0.01 -> 0.0115
    z2[at('momentum')] = 100; // gain 0.3: v 4 -> clip 3.0: 0.937 -> 2.811 -> upper 0.98
    z2[at('weight_decay')] = 1.23456; // v 1.123456: 0.0005 -> 0.000561728 -> round 0.00056
    z2[at('warmup_epochs')] = -100; // v -9 -> clip 0.3: 3.0 -> 0.9
    z2[at('lrf')] = -100; // v 0.3: 0.01 -> 0.003 -> lower 0.01
    z2[at('iou_t')] = 5; // gain 0: v stays 1
    z2[at('box')] = 5; // not selected (u 0.9): v 1
    z2[at('anchors')] = 1; // gain 2: v 1.2: 3 -> 3.6
    z2[at('hsv_h')] = 0.3; // v 1.03: 0.015 -> 0.01545
    z2[at('hsv_s')] = 5; // not selected: stays 0.7
    const rng = scripted([0.7, ...round1U, 0.5, ...u2, 0.5], [...round1Z, ...z2]);
    const hyp = nextGenerationHyp(START, TABLE, rng);
    expect(rng.left()).toBe(0); // 1 parent draw + 2 x (n uniforms, n normals, 1 uniform)
    expect(hyp).toEqual({
      ...B, lr0: 0.0115, momentum: 0.98, weight_decay: 0.00056, warmup_epochs: 0.9, lrf: 0.01, anchors: 3.6, hsv_h: 0.01545,
    });
  });

  it('draws the factors in upstream order from a seeded stream (n uniforms, n normals, 1 uniform)', () => {
    const gains = KEYS.map((k) => EVOLVE_META[k].gain);
    const v = mutationFactors(gains, createRng(42));
    const r = createRng(42);
    const u = gains.map(() => r.next());
    const z = gains.map(() => r.normal());
    const s = r.next();
    const want = gains.map((g, i) => Math.min(Math.max(g * (u[i] < 0.8 ? 1 : 0) * z[i] * s * 0.2 + 1, 0.3), 3));
    expect(want.some((x) => x !== 1)).toBe(true); // this seed changes something on the first try
    expect(v).toEqual(want);
  });

  it('keeps every generation inside the meta limits, rounded, gain-0 keys at the parent value, over 200 seeds', () => {
    const fixed = KEYS.filter((k) => EVOLVE_META[k].gain === 0);
    expect(fixed).toEqual(['iou_t', 'fl_gamma', 'perspective', 'fliplr']);
    let changed = 0;
    for (let seed = 0; seed < 200; seed++) {
      const hyp = nextGenerationHyp(START, TABLE, createRng(seed));
      for (const k of KEYS) {
        const { lower, upper } = EVOLVE_META[k];
        expect(hyp[k]! >= lower && hyp[k]! <= upper, `${k}=${hyp[k]}`).toBe(true);
        expect(pyRound(hyp[k]!, 5)).toBe(hyp[k]);
      }
      for (const k of fixed) expect(hyp[k]).toBe(START[k]);
      if (KEYS.some((k) => hyp[k] !== A[k] && hyp[k] !== B[k] && hyp[k] !== C[k])) changed++;
      expect(nextGenerationHyp(START, TABLE, createRng(seed))).toEqual(hyp); // reproducible from the seed
    }
    expect(changed).toBe(200);
  });

  it("'weighted' parents are the fitness-weighted mean of the top rows", () => {
    const w = [0.9 * 0.5, 0.9 * 0.3, 0.9 * 0.1].map((f) => f - 0.9 * 0.1 + 1e-6); // A, B, C by fitness
    const x = selectParent(TABLE.rows, createRng(0), 'weighted');
    expect(x[7]).toBeCloseTo((0.02 * w[0] + 0.01 * w[1] + 0.03 * w[2]) / (w[0] + w[1] + w[2]), 12);
    expect(x[3]).toBeCloseTo((0.5 * w[0] + 0.3 * w[1] + 0.1 * w[2]) / (w[0] + w[1] + w[2]), 12);
  });

  it('the first generation is the start hyp, clipped and rounded, with no draws', () => {
    const rng = scripted([], []);
    expect(nextGenerationHyp(START, null, rng)).toEqual(START);
    const wild = { ...START, lr0: 0.5, weight_decay: 0.000123456 };
    expect(nextGenerationHyp(wild, null, rng)).toMatchObject({ lr0: 0.1, weight_decay: 0.00012 });
  });
});

describe('evolve.csv and hyp_evolve.yaml', () => {
  const hyp = { lr0: 0.01, lrf: 0.01, momentum: 0.937, weight_decay: 0.0005, warmup_epochs: 3.0, anchors: 3 } as unknown as Hyp;
  const results = [0.123456789, 0.5, 1e-5, 0, 0.0987654321, 12345.678, 3] as const;

  it("writes print_mutation's '%20s' header and '%20.5g' rows (strings from CPython)", () => {
    expect(evolveCsvHeader(hyp)).toBe('   metrics/precision,      metrics/recall,     metrics/mAP_0.5,metrics/mAP_0.5:0.95,        val/box_loss,        val/obj_loss,        val/cls_loss,                 lr0,                 lrf,            momentum,        weight_decay,       warmup_epochs,             anchors');
    expect(evolveCsvRow(results, hyp)).toBe('             0.12346,                 0.5,               1e-05,                   0,            0.098765,               12346,                   3,                0.01,                0.01,               0.937,              0.0005,                   3,                   3');
    expect(mutationSummary(4, results, hyp).split('\n')[0]).toBe('evolve: 4 generations finished, current result:');
  });

  it('reads evolve.csv back and writes hyp_evolve.yaml from its best row, values as PyYAML floats', () => {
    const text = `${evolveCsvHeader(hyp)}\n${evolveCsvRow([0, 0, 0.1, 0.2, 1, 1, 1], hyp)}\n${evolveCsvRow(results, { ...hyp, lr0: 1e-5 } as Hyp)}\n`
      + `${evolveCsvRow([0, 0, 0.1, 0.2, 1, 1, 1], hyp)}\n`;
    const t = parseEvolveCsv(text);
    expect(t.rows).toHaveLength(3);
    expect(t.rows[1].slice(0, 7)).toEqual([0.12346, 0.5, 1e-5, 0, 0.098765, 12346, 3]);
    expect(hypEvolveYaml(t)).toBe([
      '# YOLOv5 Hyperparameter Evolution Results',
      '# Best generation: 0',
      '# Last generation: 2',
      '#    metrics/precision,       metrics/recall,      metrics/mAP_0.5, metrics/mAP_0.5:0.95,         val/box_loss,         val/obj_loss,         val/cls_loss',
      '#                    0,                    0,                  0.1,                  0.2,                    1,                    1,                    1',
      '',
      'lr0: 0.01', 'lrf: 0.01', 'momentum: 0.937', 'weight_decay: 0.0005', 'warmup_epochs: 3.0', 'anchors: 3.0', '',
    ].join('\n'));
    expect(hypEvolveYaml({ ...t, rows: [t.rows[1]] })).toContain('lr0: 1.0e-05\n');
  });

  it('names the file and line of a bad row, and refuses columns from another evolution', () => {
    const bad = `${evolveCsvHeader(hyp)}\n${evolveCsvRow(results, hyp)}\n1,2,3\n`;
    expect(() => parseEvolveCsv(bad, 'runs/evolve/exp/evolve.csv')).toThrow(/^runs\/evolve\/exp\/evolve\.csv:3: expected 13 finite numbers/);
    expect(() => parseEvolveCsv('a,b\n1,2\n', 'e.csv')).toThrow(EvolveError);
    expect(() => nextGenerationHyp(START, parseEvolveCsv(`${evolveCsvHeader(hyp)}\n${evolveCsvRow(results, hyp)}\n`), createRng(0), { file: 'e.csv' }))
      .toThrow(/^e\.csv:1: columns .* do not match/);
  });
});

describe('anchor count in hyp', () => {
  it("turns it into upstream's placeholder anchors [0, 1, ..., 2n-1] on every Detect level (n rounded half to even)", () => {
    const { cfg, hyp } = anchorCountConfig(modelConfig('yolov5n'), { ...START, anchors: 3.6 });
    expect(cfg.anchors).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7]]);
    expect(hyp.anchors).toBeUndefined();
    expect((anchorCountConfig(modelConfig('yolov5n'), { ...START, anchors: 2.5 }).cfg.anchors as number[][])[0]).toHaveLength(4);
    const none = prepareEvolveHyp(START, true);
    expect(anchorCountConfig(modelConfig('yolov5n'), none).cfg.anchors).toEqual(modelConfig('yolov5n').anchors);
  });
});
