// One training step: train-mode forward, YOLOv5 loss, gradients, an update, BN running stats moved by the
// forward. Everything tensor-valued happens inside tidy scopes; only the loss items escape (caller disposes).
import * as tf from '@tensorflow/tfjs';
import { computeLoss, type LossHyp } from '../loss';
import type { YoloModel } from '../model';

export interface StepBatch {
  /** (B, H, W, 3) NHWC in [0, 1]. */
  images: tf.Tensor4D;
  /** Rows [img, cls, cx, cy, w, h], normalised, on the host (the loader produces them there). */
  targets: Float32Array;
}

export type GradientUpdate = (grads: Map<tf.Variable, tf.Tensor>) => void;

/** Plain SGD, w -= lr * g: the simplest update, for tests and as the default of `trainStep`. */
export function plainSgd(lr: number): GradientUpdate {
  return (grads) => {
    tf.tidy(() => {
      for (const [v, g] of grads) v.assign(tf.sub(v, tf.mul(g, lr)));
    });
  };
}

/**
 * Runs forward + loss + backward, then hands the gradients (keyed by variable, upstream parameter order) to
 * `update`. Returns [lbox, lobj, lcls] (not times batch size), still on the device: read it back when convenient,
 * not every step.
 */
export function trainStep(model: YoloModel, batch: StepBatch, hyp: LossHyp, update: GradientUpdate): tf.Tensor1D {
  const vars = model.trainableVariables();
  let items: tf.Tensor1D | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const preds = model.forwardTrain(batch.images);
    const out = computeLoss(preds, batch.targets, { anchors: model.anchorGrid(), nc: model.nc, hyp });
    items = tf.keep(out.lossItems);
    return out.loss;
  }, vars);
  // variableGrads keys by variable name; map back to the variables so the update needs no name lookups.
  const byVar = new Map(vars.map((v) => [v, grads[v.name]] as [tf.Variable, tf.Tensor]));
  try {
    update(byVar);
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
  return items!;
}
