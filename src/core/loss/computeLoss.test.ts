import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTargets } from './buildTargets';
import { computeLoss, scaleHyp } from './computeLoss';
import { LossInputError } from './errors';
import { failedChecks } from '../../../test/parity';
import { readRefJson } from '../../../test/refs';
import { LOSS_TOL, lossFixture, lossGradChecks, lossValueChecks, type ComputeLossRef } from './computeLoss.parity';

const ref = readRefJson<ComputeLossRef>('compute_loss.json');
const { targets, opts, loadPreds } = lossFixture(ref);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildTargets vs upstream ComputeLoss.build_targets', () => {
  const grids = ref.pred.map((p) => [p.shape[2], p.shape[3]] as [number, number]);
  const levels = buildTargets(targets, { grids, anchors: ref.anchors_grid_units, anchorT: ref.hyp_scaled.anchor_t });

  it('matches indices, anchors and classes exactly, in upstream order', () => {
    expect(levels.map((l) => l.n)).toEqual([64, 31, 8]);
    levels.forEach((l, i) => {
      const want = ref.build_targets.indices[i];
      expect(Array.from(l.b), `level ${i} b`).toEqual(want.b.data);
      expect(Array.from(l.a), `level ${i} a`).toEqual(want.a.data);
      expect(Array.from(l.gj), `level ${i} gj`).toEqual(want.gj.data);
      expect(Array.from(l.gi), `level ${i} gi`).toEqual(want.gi.data);
      expect(Array.from(l.tcls), `level ${i} tcls`).toEqual(ref.build_targets.tcls[i].data);
      expect(Array.from(l.anch), `level ${i} anch`).toEqual(ref.build_targets.anch[i].data);
    });
  });

  it('matches tbox within 1e-5', () => {
    levels.forEach((l, i) => {
      const want = ref.build_targets.tbox[i].data;
      expect(l.tbox.length).toBe(want.length);
      l.tbox.forEach((v, k) => expect(Math.abs(v - want[k]), `level ${i} tbox[${k}]`).toBeLessThanOrEqual(1e-5));
    });
  });

  it('clamps cells to the grid and measures tbox from the clamped cell, as upstream does', () => {
    // cx = 1.0 puts gx = 4 on a 4-wide grid: the centre cell is column 4, one past the edge. gx, gy = 4, 2 sit on
    // cell borders, so the left (j), up (k) and down (m) neighbours are added too; right (l) is not (gxi = 0).
    // upstream clamps gi/gj in place, and they are views of gij, so tbox's offset uses the clamped column.
    const edge = Float32Array.from([0, 0, 1.0, 0.5, 0.2, 0.2]);
    const [lvl] = buildTargets(edge, { grids: [[4, 4]], anchors: [[[1, 1]]], anchorT: 4 });
    expect(Array.from(lvl.gi)).toEqual([3, 3, 3, 3]);   // centre, left, up, down: all column 3 after the clamp
    expect(Array.from(lvl.gj)).toEqual([2, 2, 1, 2]);
    expect(Array.from(lvl.tbox.subarray(0, 4))).toEqual([1, 0, 0.8, 0.8].map(Math.fround));   // 4 - 3, not 4 - 4
    expect(Array.from(lvl.tbox.subarray(8, 10))).toEqual([1, 1]);   // the up neighbour: gy 2 - gj 1
  });

  it('returns empty levels when there are no labels', () => {
    const out = buildTargets(new Float32Array(0), { grids, anchors: ref.anchors_grid_units, anchorT: 4 });
    expect(out.map((l) => l.n)).toEqual([0, 0, 0]);
  });
});

describe('computeLoss vs upstream ComputeLoss', () => {
  // Tolerances: computeLoss.parity.ts (shared with the WebGPU page, e2e/webgpuParity.spec.ts).
  it('reproduces loss and loss_items within 1e-5 relative', async () => {
    const checks = await lossValueChecks(ref, LOSS_TOL.cpu);
    expect(checks).toHaveLength(4);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('reproduces dLoss/dPred', async () => {
    // Per level: |got - want| <= 1e-4 * |want| + 1e-6 * max|want|.
    const checks = await lossGradChecks(ref, LOSS_TOL.cpu);
    expect(checks).toHaveLength(3);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('the reference batch has duplicate cells with different boxes, so the loss test checks "last write wins"', () => {
    // PyTorch's CPU index_put keeps the last of duplicate [b, a, gj, gi] writes; summing (tf.scatterND) or keeping
    // the first write moves lobj by ~1e-3 relative here, far outside the 1e-5 above.
    const grids = ref.pred.map((p) => [p.shape[2], p.shape[3]] as [number, number]);
    const levels = buildTargets(targets, { grids, anchors: ref.anchors_grid_units, anchorT: ref.hyp_scaled.anchor_t });
    let conflicting = 0;
    levels.forEach((l) => {
      const seen = new Map<string, string>();
      for (let k = 0; k < l.n; k++) {
        const cell = `${l.b[k]},${l.a[k]},${l.gj[k]},${l.gi[k]}`;
        const box = Array.from(l.tbox.subarray(4 * k, 4 * k + 4)).join(',');
        if (seen.has(cell) && seen.get(cell) !== box) conflicting++;
        seen.set(cell, box);
      }
    });
    expect(conflicting).toBeGreaterThan(0);
  });

  it('leaks no tensors, forward or under tf.grads', () => {
    const preds = loadPreds();
    const before = tf.memory().numTensors;
    const out = computeLoss(preds, targets, opts());
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([out.loss, out.lossItems]);
    expect(tf.memory().numTensors).toBe(before);
    const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => computeLoss(ps, targets, opts()).loss)(preds);
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    const empty = computeLoss(preds, new Float32Array(0), opts());
    tf.dispose([empty.loss, empty.lossItems]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(preds);
  });
});

describe('scaleHyp', () => {
  it('reproduces train.py scaling of hyp.scratch-low for nc=3, imgsz=64, nl=3', () => {
    const scratchLow = { box: 0.05, cls: 0.5, obj: 1.0, cls_pw: 1.0, obj_pw: 1.0, label_smoothing: 0.0 };
    const scaled = scaleHyp(scratchLow, { nc: 3, imgsz: 64, nl: 3 });
    expect(scaled.box).toBe(ref.hyp_scaled.box);
    expect(scaled.cls).toBe(ref.hyp_scaled.cls);
    expect(scaled.obj).toBe(ref.hyp_scaled.obj);   // 0.010000000000000002, bit for bit
    expect(scaled.cls_pw).toBe(1.0);
    expect(scratchLow.obj).toBe(1.0);   // input untouched
    expect(scaleHyp(scratchLow, { nc: 80, imgsz: 640, nl: 4, labelSmoothing: 0.1 })).toMatchObject({ box: 0.05 * 0.75, label_smoothing: 0.1 });
  });

  it('rejects a non-integer class count', () => {
    expect(() => scaleHyp({ box: 1, cls: 1, obj: 1 }, { nc: 2.5, imgsz: 64, nl: 3 })).toThrow(LossInputError);
  });
});

describe('computeLoss input checks', () => {
  const codeOf = (fn: () => unknown) => {
    try { fn(); } catch (e) { return (e as LossInputError).code; }
    return 'no error';
  };

  it('names bad targets and shapes with specific codes', () => {
    const preds = loadPreds();
    const row = (values: number[]) => Float32Array.from(values);
    expect(codeOf(() => computeLoss(preds, row([0, 0, 0.5, 0.5, 0.1]), opts()))).toBe('LOSS_TARGETS_SHAPE');
    expect(codeOf(() => computeLoss(preds, row([2, 0, 0.5, 0.5, 0.1, 0.1]), opts()))).toBe('LOSS_TARGET_IMAGE');
    expect(codeOf(() => computeLoss(preds, row([0, 3, 0.5, 0.5, 0.1, 0.1]), opts()))).toBe('LOSS_TARGET_CLASS');
    expect(codeOf(() => computeLoss(preds, row([0, 0, NaN, 0.5, 0.1, 0.1]), opts()))).toBe('LOSS_TARGET_VALUE');
    expect(codeOf(() => computeLoss(preds, targets, { ...opts(), nc: 4 }))).toBe('LOSS_PRED_SHAPE');
    expect(codeOf(() => computeLoss(preds.slice(0, 2), targets, opts()))).toBe('LOSS_ANCHORS');
    expect(codeOf(() => computeLoss(preds, targets, { ...opts(), hyp: { ...ref.hyp_scaled, box: Number.NaN } }))).toBe('LOSS_HYP');
    tf.dispose(preds);
  });
});
