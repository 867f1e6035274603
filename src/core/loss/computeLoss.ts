// YOLOv5 v7.0 ComputeLoss on tfjs: CIoU box loss, IoU-weighted objectness, BCE class loss.
//
// Predictions are the model's train-mode outputs, one (B, ny, nx, na, no) tensor per level (no = 5 + nc), i.e.
// upstream's (bs, na, ny, nx, no) with perm [0, 2, 3, 1, 4]. Targets are assigned on the host (buildTargets), and
// everything index-shaped is uploaded as int32 tensors: this function never reads a tensor back.
import * as tf from '@tensorflow/tfjs';
import type { AutoBalance } from './autobalance';
import { detached, gatherRows } from './autodiff';
import { buildTargets, type LevelTargets } from './buildTargets';
import { makeCriterion, smoothBCE } from './criteria';
import { LossInputError } from './errors';
import { checkLossHyp, type LossHyp } from './hyp';
import { bboxIou } from './iou';

export { scaleHyp } from './hyp';

export interface ComputeLossOptions {
  /** (nl, na, 2) anchors in grid units (pixels / stride). */
  anchors: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>;
  nc: number;
  /** Already scaled by scaleHyp, as train.py does before building ComputeLoss. */
  hyp: LossHyp;
  /** Per-level objectness weights; default [4, 1, 0.4] for 3 levels, else [4, 1, 0.25, 0.06, 0.02]. */
  balance?: readonly number[];
  /** Objectness target = (1 - gr) + gr * iou; upstream sets 1.0. */
  gr?: number;
  /** Upstream autobalance=True: stateful per-level weights, used instead of `balance` and updated in place. */
  autobalance?: AutoBalance;
}

export interface LossOutput {
  /** (lbox + lobj + lcls) * batch size: what gets differentiated. */
  loss: tf.Scalar;
  /** [lbox, lobj, lcls] after their gains, not times batch size; carries no gradient. */
  lossItems: tf.Tensor1D;
}

export function defaultBalance(nl: number): number[] {
  return nl === 3 ? [4.0, 1.0, 0.4] : [4.0, 1.0, 0.25, 0.06, 0.02];
}

export function computeLoss(preds: tf.Tensor[], targets: Float32Array, opts: ComputeLossOptions): LossOutput {
  const { anchors, nc, hyp, gr = 1.0, autobalance } = opts;
  checkLossHyp(hyp);
  const grids = checkPreds(preds, anchors, nc);
  const bs = preds[0].shape[0];
  const balance = opts.balance ?? defaultBalance(preds.length);
  if (balance.length < preds.length) {
    throw new LossInputError('LOSS_BALANCE', `computeLoss: balance has ${balance.length} values for ${preds.length} levels`);
  }
  if (autobalance && autobalance.nl !== preds.length) {
    throw new LossInputError('LOSS_AUTOBALANCE', `computeLoss: autobalance is for ${autobalance.nl} levels, got ${preds.length}`);
  }
  checkTargets(targets, bs, nc);
  const levels = buildTargets(targets, { grids, anchors, anchorT: hyp.anchor_t });

  const [cp, cn] = smoothBCE(hyp.label_smoothing);
  const bceCls = makeCriterion({ posWeight: hyp.cls_pw, gamma: hyp.fl_gamma });
  const bceObj = makeCriterion({ posWeight: hyp.obj_pw, gamma: hyp.fl_gamma });

  return tf.tidy(() => {
    const boxTerms: tf.Scalar[] = [];
    const clsTerms: tf.Scalar[] = [];
    const objTerms: tf.Scalar[] = [];
    const objRaw: tf.Scalar[] = [];
    preds.forEach((p, i) => {
      const [B, ny, nx, na, no] = p.shape;
      const t = levels[i];
      const objLogits = tf.reshape(tf.slice(p, [0, 0, 0, 0, 4], [-1, -1, -1, -1, 1]), [B, ny, nx, na]);
      let tobj: tf.Tensor;
      if (t.n > 0) {
        // (n, no): the predictions at the matched [b, gj, gi, a] cells, rows of the flattened (B*ny*nx*na, no).
        const ps = gatherRows(tf.reshape(p, [-1, no]) as tf.Tensor2D, tf.tensor1d(cellIndex(t, ny, nx, na), 'int32'));
        const pxy = tf.sub(tf.mul(tf.sigmoid(tf.slice(ps, [0, 0], [t.n, 2])), 2), 0.5);
        const pwh = tf.mul(tf.square(tf.mul(tf.sigmoid(tf.slice(ps, [0, 2], [t.n, 2])), 2)), tf.tensor2d(t.anch, [t.n, 2]));
        const iou = bboxIou(tf.concat([pxy, pwh], 1) as tf.Tensor2D, tf.tensor2d(t.tbox, [t.n, 4]), { CIoU: true });   // (n,)
        boxTerms.push(tf.mean(tf.sub(1.0, iou)));
        tobj = objectnessTarget(iou, t, [B, ny, nx, na], gr);
        if (nc > 1) clsTerms.push(bceCls(tf.slice(ps, [0, 5], [t.n, nc]), tf.tensor2d(classTargets(t, nc, cp, cn), [t.n, nc])));
      } else {
        tobj = tf.zeros([B, ny, nx, na]);
      }
      const obji = bceObj(objLogits, tobj);
      objRaw.push(obji);
      const weight = autobalance ? tf.reshape(tf.slice(autobalance.balance, [i], [1]), []) : balance[i];
      objTerms.push(tf.mul(obji, weight));
    });
    if (autobalance) autobalance.update(objRaw);

    const total = (terms: tf.Scalar[]) => terms.reduce<tf.Scalar>((acc, x) => tf.add(acc, x), tf.scalar(0));
    const lbox = tf.mul(total(boxTerms), hyp.box) as tf.Scalar;
    const lobj = tf.mul(total(objTerms), hyp.obj) as tf.Scalar;
    const lcls = tf.mul(total(clsTerms), hyp.cls) as tf.Scalar;
    return {
      loss: tf.mul(tf.add(tf.add(lbox, lobj), lcls), bs) as tf.Scalar,
      lossItems: detached(() => tf.stack([lbox, lobj, lcls]) as tf.Tensor1D),
    };
  });
}

/** Row of each match in the (B*ny*nx*na, no) view of a (B, ny, nx, na, no) prediction. */
function cellIndex(t: LevelTargets, ny: number, nx: number, na: number): Int32Array {
  const idx = new Int32Array(t.n);
  for (let k = 0; k < t.n; k++) idx[k] = ((t.b[k] * ny + t.gj[k]) * nx + t.gi[k]) * na + t.a[k];
  return idx;
}

/**
 * tobj[b, a, gj, gi] = clamp(iou, 0) (or (1-gr) + gr*iou), zero elsewhere, detached. Several matches can land on
 * one cell; PyTorch's CPU index_put then keeps the last write, so only each cell's last match is scattered
 * (tf.scatterND would sum duplicates). The duplicates are resolved on the host: the indices are host data.
 */
function objectnessTarget(iou: tf.Tensor1D, t: LevelTargets, shape: [number, number, number, number], gr: number): tf.Tensor {
  const [, ny, nx, na] = shape;
  const cells = cellIndex(t, ny, nx, na);
  const last = new Map<number, number>();
  cells.forEach((cell, k) => last.set(cell, k));
  const keptPos = Int32Array.from(last.values());
  const keptCell = Int32Array.from(last.keys());
  return detached(() => {
    let v = tf.relu(iou);   // iou.detach().clamp(0)
    if (gr < 1) v = tf.add(1.0 - gr, tf.mul(gr, v));
    const updates = tf.gather(v, tf.tensor1d(keptPos, 'int32'));
    const flat = tf.scatterND(tf.tensor2d(keptCell, [keptCell.length, 1], 'int32'), updates, [shape[0] * ny * nx * na]);
    return tf.reshape(flat, shape);   // (B, ny, nx, na)
  });
}

/** (n, nc) row-major: cp at each match's class, cn elsewhere. */
function classTargets(t: LevelTargets, nc: number, cp: number, cn: number): Float32Array {
  const out = new Float32Array(t.n * nc).fill(cn);
  for (let k = 0; k < t.n; k++) out[k * nc + t.tcls[k]] = cp;
  return out;
}

function checkPreds(preds: tf.Tensor[], anchors: ComputeLossOptions['anchors'], nc: number): Array<[number, number]> {
  if (!Number.isInteger(nc) || nc < 1) throw new LossInputError('LOSS_PRED_SHAPE', `computeLoss: nc must be a positive integer, got ${nc}`);
  if (preds.length === 0 || preds.length !== anchors.length) {
    throw new LossInputError('LOSS_ANCHORS', `computeLoss: ${preds.length} prediction levels but ${anchors.length} anchor levels`);
  }
  const bs = preds[0].shape[0];
  return preds.map((p, i) => {
    const [B, ny, nx, na, no] = p.shape;
    if (p.rank !== 5 || B !== bs || no !== 5 + nc || na !== anchors[i].length || p.dtype !== 'float32') {
      throw new LossInputError('LOSS_PRED_SHAPE',
        `computeLoss: preds[${i}] must be float32 (B=${bs}, ny, nx, na=${anchors[i].length}, no=${5 + nc}), got ${p.dtype} (${p.shape.join(', ')})`);
    }
    return [ny, nx];
  });
}

function checkTargets(targets: Float32Array, bs: number, nc: number): void {
  if (targets.length % 6 !== 0) {
    throw new LossInputError('LOSS_TARGETS_SHAPE', `computeLoss: targets has ${targets.length} values, not a multiple of 6 (rows [img, cls, cx, cy, w, h])`);
  }
  for (let r = 0; r < targets.length / 6; r++) {
    const row = targets.subarray(r * 6, r * 6 + 6);
    if (!row.every(Number.isFinite)) {
      throw new LossInputError('LOSS_TARGET_VALUE', `computeLoss: targets row ${r} has a non-finite value [${row.join(', ')}]`);
    }
    if (!Number.isInteger(row[0]) || row[0] < 0 || row[0] >= bs) {
      throw new LossInputError('LOSS_TARGET_IMAGE', `computeLoss: targets row ${r} refers to image ${row[0]}, batch has ${bs} images`);
    }
    if (!Number.isInteger(row[1]) || row[1] < 0 || row[1] >= nc) {
      throw new LossInputError('LOSS_TARGET_CLASS', `computeLoss: targets row ${r} has class ${row[1]}, expected an integer in [0, ${nc})`);
    }
  }
}
