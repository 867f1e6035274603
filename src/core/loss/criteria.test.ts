// Focal loss, label smoothing, pos_weight, gr, duplicate cells and autobalance: no upstream numbers here, so these
// compare against a direct double-precision JS evaluation of the same formulas on small seeded inputs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../rng';
import { AutoBalance } from './autobalance';
import { buildTargets } from './buildTargets';
import { computeLoss } from './computeLoss';
import { makeCriterion, smoothBCE } from './criteria';
import type { LossHyp } from './hyp';

/** BCEWithLogits(pos_weight) times FocalLoss factors (gamma 0 = plain BCE), one element, in double. */
function bceRef(x: number, y: number, pw: number, gamma: number, alpha = 0.25): number {
  const bce = (1 - y) * x + (1 + (pw - 1) * y) * (Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0));
  if (gamma <= 0) return bce;
  const p = 1 / (1 + Math.exp(-x));
  const pT = y * p + (1 - y) * (1 - p);
  return bce * (y * alpha + (1 - y) * (1 - alpha)) * (1 - pT) ** gamma;
}

/** CIoU of two [cx, cy, w, h] boxes, from the paper's definition (eps as upstream). */
function ciouRef(b1: number[], b2: number[], eps = 1e-7): number {
  const [x1a, x1b, y1a, y1b] = [b1[0] - b1[2] / 2, b1[0] + b1[2] / 2, b1[1] - b1[3] / 2, b1[1] + b1[3] / 2];
  const [x2a, x2b, y2a, y2b] = [b2[0] - b2[2] / 2, b2[0] + b2[2] / 2, b2[1] - b2[3] / 2, b2[1] + b2[3] / 2];
  const inter = Math.max(Math.min(x1b, x2b) - Math.max(x1a, x2a), 0) * Math.max(Math.min(y1b, y2b) - Math.max(y1a, y2a), 0);
  const iou = inter / (b1[2] * b1[3] + b2[2] * b2[3] - inter + eps);
  const c2 = (Math.max(x1b, x2b) - Math.min(x1a, x2a)) ** 2 + (Math.max(y1b, y2b) - Math.min(y1a, y2a)) ** 2 + eps;
  const rho2 = (b2[0] - b1[0]) ** 2 + (b2[1] - b1[1]) ** 2;
  const v = (4 / Math.PI ** 2) * (Math.atan(b2[2] / b2[3]) - Math.atan(b1[2] / b1[3])) ** 2;
  const alpha = v / (v - iou + 1 + eps);
  return iou - (rho2 / c2 + v * alpha);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Case {
  preds: { data: Float32Array; shape: [number, number, number, number, number] }[];
  anchors: number[][][];
  nc: number;
  hyp: LossHyp;
  gr: number;
  balance: number[];
}

/** The whole ComputeLoss in double from buildTargets' assignment (itself checked against upstream). */
function lossRef(c: Case, targets: Float32Array) {
  const grids = c.preds.map((p) => [p.shape[1], p.shape[2]] as [number, number]);
  const levels = buildTargets(targets, { grids, anchors: c.anchors, anchorT: c.hyp.anchor_t });
  const [cp, cn] = smoothBCE(c.hyp.label_smoothing);
  let lbox = 0; let lcls = 0;
  const objPerLevel: number[] = [];
  c.preds.forEach(({ data, shape: [B, ny, nx, na, no] }, i) => {
    const t = levels[i];
    const at = (cell: number, ch: number) => data[cell * no + ch];
    const tobj = new Map<number, number>();
    const boxTerms: number[] = []; const clsTerms: number[] = [];
    for (let k = 0; k < t.n; k++) {
      const cell = ((t.b[k] * ny + t.gj[k]) * nx + t.gi[k]) * na + t.a[k];
      const pbox = [sigmoid(at(cell, 0)) * 2 - 0.5, sigmoid(at(cell, 1)) * 2 - 0.5,
        (sigmoid(at(cell, 2)) * 2) ** 2 * t.anch[2 * k], (sigmoid(at(cell, 3)) * 2) ** 2 * t.anch[2 * k + 1]];
      const iou = ciouRef(pbox, Array.from(t.tbox.subarray(4 * k, 4 * k + 4)));
      boxTerms.push(1 - iou);
      tobj.set(cell, c.gr < 1 ? (1 - c.gr) + c.gr * Math.max(iou, 0) : Math.max(iou, 0));   // last write wins
      for (let j = 0; j < c.nc; j++) clsTerms.push(bceRef(at(cell, 5 + j), j === t.tcls[k] ? cp : cn, c.hyp.cls_pw, c.hyp.fl_gamma));
    }
    if (t.n) lbox += mean(boxTerms);
    if (t.n && c.nc > 1) lcls += mean(clsTerms);
    const objTerms: number[] = [];
    for (let cell = 0; cell < B * ny * nx * na; cell++) objTerms.push(bceRef(at(cell, 4), tobj.get(cell) ?? 0, c.hyp.obj_pw, c.hyp.fl_gamma));
    objPerLevel.push(mean(objTerms));
  });
  const lobj = objPerLevel.reduce((acc, o, i) => acc + o * c.balance[i], 0);
  return { lbox: lbox * c.hyp.box, lobj: lobj * c.hyp.obj, lcls: lcls * c.hyp.cls, objPerLevel };
}

function randomPreds(rng: Rng, shapes: Array<[number, number, number, number, number]>) {
  return shapes.map((shape) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape }));
}

const HYP: LossHyp = { box: 0.05, obj: 0.7, cls: 0.3, cls_pw: 1.7, obj_pw: 0.6, fl_gamma: 1.5, anchor_t: 4.0, label_smoothing: 0.2 };
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('criteria vs direct formulas', () => {
  it('smoothBCE gives upstream positive/negative targets', () => {
    expect(smoothBCE(0.0)).toEqual([1, 0]);
    expect(smoothBCE(0.1)).toEqual([0.95, 0.05]);
  });

  for (const [pw, gamma] of [[1, 0], [2.5, 0], [1, 1.5], [0.7, 2.0]]) {
    it(`BCE pos_weight ${pw}, focal gamma ${gamma}: value and gradient`, () => {
      const xs = [-30, -4.2, -1, -1e-3, 0, 0.37, 2.5, 17];
      const ys = [0, 1, 0.05, 0.95, 0.3, 1, 0, 0.62];
      const crit = makeCriterion({ posWeight: pw, gamma });
      const x = tf.tensor1d(xs); const y = tf.tensor1d(ys);
      const { value, grad } = tf.valueAndGrad((xi: tf.Tensor) => crit(xi, y))(x);
      const want = mean(xs.map((xi, k) => bceRef(xi, ys[k], pw, gamma)));
      expect(relErr(value.dataSync()[0], want)).toBeLessThanOrEqual(1e-6);
      const g = grad.dataSync();
      xs.forEach((xi, k) => {
        // Central difference of the double formula; d mean / dx_k = d loss_k / dx_k / n.
        const h = 1e-6;
        const numeric = (bceRef(xi + h, ys[k], pw, gamma) - bceRef(xi - h, ys[k], pw, gamma)) / (2 * h) / xs.length;
        expect(Math.abs(g[k] - numeric), `x=${xi}`).toBeLessThanOrEqual(1e-5 * Math.abs(numeric) + 1e-8);
      });
      tf.dispose([x, y, value, grad]);
    });
  }
});

describe('computeLoss vs a double-precision JS ComputeLoss', () => {
  // 2 levels (strides 8 and 16), 2 anchors, 3 classes, 2 images; label smoothing, focal loss, pos weights, gr < 1.
  const shapes: Array<[number, number, number, number, number]> = [[2, 4, 4, 2, 8], [2, 2, 2, 2, 8]];
  const anchors = [[[1.2, 1.5], [2.5, 2.0]], [[1.0, 1.4], [2.2, 1.8]]];
  // Rows 0 and 1 share image 0's centre cell at level 0 with similar shapes: a duplicate cell with different ious.
  const targets = Float32Array.from([
    0, 1, 0.40, 0.40, 0.30, 0.35,
    0, 2, 0.41, 0.42, 0.36, 0.30,
    1, 0, 0.70, 0.20, 0.50, 0.45,
    1, 2, 0.15, 0.80, 0.20, 0.25,
  ]);
  const make = (seed: number, gr: number): Case => ({
    preds: randomPreds(createRng(seed), shapes), anchors, nc: 3, hyp: HYP, gr, balance: [4.0, 1.0],
  });
  const run = (c: Case, t: Float32Array, extra: { autobalance?: AutoBalance } = {}) => tf.tidy(() => {
    const preds = c.preds.map((p) => tf.tensor(p.data, p.shape));
    const { loss, lossItems } = computeLoss(preds, t, { anchors: c.anchors, nc: c.nc, hyp: c.hyp, gr: c.gr, balance: c.balance, ...extra });
    return [loss.dataSync()[0], ...Array.from(lossItems.dataSync())];
  });

  it('the test batch really has duplicate cells', () => {
    const [lvl] = buildTargets(targets, { grids: [[4, 4]], anchors: [anchors[0]], anchorT: 4 });
    const cells = Array.from({ length: lvl.n }, (_, k) => `${lvl.b[k]},${lvl.a[k]},${lvl.gj[k]},${lvl.gi[k]}`);
    expect(new Set(cells).size).toBeLessThan(cells.length);
  });

  for (const gr of [1.0, 0.7]) {
    it(`matches lbox, lobj, lcls and loss within 2e-5 (gr ${gr})`, () => {
      const c = make(3, gr);
      const [loss, lbox, lobj, lcls] = run(c, targets);
      const want = lossRef(c, targets);
      expect(relErr(lbox, want.lbox)).toBeLessThanOrEqual(2e-5);
      expect(relErr(lobj, want.lobj)).toBeLessThanOrEqual(2e-5);
      expect(relErr(lcls, want.lcls)).toBeLessThanOrEqual(2e-5);
      expect(relErr(loss, (want.lbox + want.lobj + want.lcls) * 2)).toBeLessThanOrEqual(2e-5);
    });
  }

  it('keeps the last of duplicate matches: swapping the two labels changes lobj as the reference predicts', () => {
    // One 2x2 level, one anchor, no focal loss, so the shared cell's target weighs 1/4 of the objectness mean.
    const c: Case = {
      preds: randomPreds(createRng(5), [[1, 2, 2, 1, 8]]), anchors: [[[1.5, 1.5]]], nc: 3,
      hyp: { ...HYP, fl_gamma: 0 }, gr: 1.0, balance: [1.0],
    };
    const pair = Float32Array.from([0, 0, 0.5, 0.5, 0.3, 0.3, 0, 1, 0.6, 0.7, 0.9, 0.8]);
    const swapped = Float32Array.from([...pair.subarray(6), ...pair.subarray(0, 6)]);
    const [lvl] = buildTargets(pair, { grids: [[2, 2]], anchors: c.anchors, anchorT: 4 });
    expect([lvl.gj[0], lvl.gi[0], lvl.gj[1], lvl.gi[1]]).toEqual([1, 1, 1, 1]);   // both centres on cell (1, 1)
    const a = run(c, pair)[2];
    const b = run(c, swapped)[2];
    expect(relErr(a, lossRef(c, pair).lobj)).toBeLessThanOrEqual(2e-5);
    expect(relErr(b, lossRef(c, swapped).lobj)).toBeLessThanOrEqual(2e-5);
    expect(relErr(a, b)).toBeGreaterThan(1e-2);
  });

  it('skips the class loss when nc = 1', () => {
    const c: Case = { ...make(7, 1.0), nc: 1 };
    c.preds = randomPreds(createRng(7), shapes.map(([B, ny, nx, na]) => [B, ny, nx, na, 6]));
    const single = Float32Array.from(targets.map((v, k) => (k % 6 === 1 ? 0 : v)));
    const [, lbox, lobj, lcls] = run(c, single);
    const want = lossRef(c, single);
    expect(lcls).toBe(0);
    expect(relErr(lbox, want.lbox)).toBeLessThanOrEqual(2e-5);
    expect(relErr(lobj, want.lobj)).toBeLessThanOrEqual(2e-5);
  });

  it('autobalance: uses the current balance, then drifts towards 1/obj and renormalises on stride 16', async () => {
    const c = make(11, 1.0);
    const ab = new AutoBalance([4.0, 1.0], [8, 16]);
    const before = tf.memory().numTensors;
    let balance = [4.0, 1.0];
    for (let step = 0; step < 2; step++) {
      const [, , lobj] = run(c, targets, { autobalance: ab });
      const want = lossRef({ ...c, balance }, targets);
      expect(relErr(lobj, want.lobj), `step ${step}`).toBeLessThanOrEqual(2e-5);
      const drifted = balance.map((bv, i) => bv * 0.9999 + 0.0001 / want.objPerLevel[i]);
      balance = drifted.map((bv) => bv / drifted[1]);
      const got = await ab.read();
      got.forEach((g, i) => expect(relErr(g, balance[i]), `step ${step} level ${i}`).toBeLessThanOrEqual(1e-6));
    }
    expect(tf.memory().numTensors).toBe(before);
    ab.dispose();
  });
});
