// The two loss criteria of YOLOv5's ComputeLoss: BCEWithLogitsLoss(pos_weight), optionally wrapped in FocalLoss,
// plus label smoothing targets.
import * as tf from '@tensorflow/tfjs';
import { bceWithLogits } from './autodiff';

/** Label smoothing (arXiv 1902.04103 eq. 3): [positive, negative] BCE targets. */
export function smoothBCE(eps = 0.1): [number, number] {
  return [1.0 - 0.5 * eps, 0.5 * eps];
}

export interface CriterionOptions {
  /** BCEWithLogitsLoss pos_weight (hyp cls_pw / obj_pw). */
  posWeight: number;
  /** Focal loss gamma (hyp fl_gamma); 0 means plain BCE. */
  gamma: number;
  /** Focal loss alpha; upstream ComputeLoss always uses 0.25. */
  alpha?: number;
}

/** Mean loss over all elements of logits `x` against targets `y` (same shape); `y` gets no gradient. */
export type Criterion = (x: tf.Tensor, y: tf.Tensor) => tf.Scalar;

export function makeCriterion({ posWeight, gamma, alpha = 0.25 }: CriterionOptions): Criterion {
  if (!(gamma > 0)) return (x, y) => tf.tidy(() => tf.mean(bceWithLogits(x, y, posWeight)));
  // FocalLoss (TF-addons form): loss * alpha_t * (1 - p_t)^gamma, with the gradient flowing through p_t too.
  return (x, y) => tf.tidy(() => {
    const loss = bceWithLogits(x, y, posWeight);
    const prob = tf.sigmoid(x);
    const oneMinusY = tf.sub(1, y);
    const pT = tf.add(tf.mul(y, prob), tf.mul(oneMinusY, tf.sub(1, prob)));
    const alphaFactor = tf.add(tf.mul(y, alpha), tf.mul(oneMinusY, 1 - alpha));
    const modulating = tf.pow(tf.sub(1.0, pT), gamma);
    return tf.mean(tf.mul(loss, tf.mul(alphaFactor, modulating)));
  });
}
