// Element-wise IoU / GIoU / DIoU / CIoU of box pairs with YOLOv5 v7.0 bbox_iou semantics, differentiable in tfjs.
// The op order follows upstream so float32 rounding matches (it decides e.g. whether identical xywh boxes give
// CIoU = NaN through iou > 1).
import * as tf from '@tensorflow/tfjs';
import { detached } from './autodiff';
import { LossInputError } from './errors';

export interface BboxIouOptions {
  /** Boxes are [cx, cy, w, h] (true) or [x1, y1, x2, y2] (false). */
  xywh?: boolean;
  GIoU?: boolean;
  DIoU?: boolean;
  CIoU?: boolean;
  eps?: number;
}

// 4 / pi^2 in double, as upstream computes it before the float32 multiply.
const CIOU_V_GAIN = 4 / Math.PI ** 2;

/**
 * box1, box2: (n, 4) (either may be (1, 4) and broadcast). Returns (n,).
 * CIoU's alpha is computed without gradient, as upstream does under torch.no_grad().
 */
export function bboxIou(box1: tf.Tensor2D, box2: tf.Tensor2D, opts: BboxIouOptions = {}): tf.Tensor1D {
  const { xywh = true, GIoU = false, DIoU = false, CIoU = false, eps = 1e-7 } = opts;
  for (const [key, box] of [['box1', box1], ['box2', box2]] as const) {
    if (box.rank !== 2 || box.shape[1] !== 4) {
      throw new LossInputError('LOSS_BOX_SHAPE', `bboxIou: ${key} must be (n, 4), got (${box.shape.join(', ')})`);
    }
  }
  return tf.tidy(() => {
    const [c1a, c1b, c1c, c1d] = tf.unstack(box1, 1);   // each (n,)
    const [c2a, c2b, c2c, c2d] = tf.unstack(box2, 1);
    let b1x1: tf.Tensor, b1y1: tf.Tensor, b1x2: tf.Tensor, b1y2: tf.Tensor;
    let b2x1: tf.Tensor, b2y1: tf.Tensor, b2x2: tf.Tensor, b2y2: tf.Tensor;
    let w1: tf.Tensor, h1: tf.Tensor, w2: tf.Tensor, h2: tf.Tensor;
    if (xywh) {
      [w1, h1, w2, h2] = [c1c, c1d, c2c, c2d];
      const [w1h, h1h, w2h, h2h] = [tf.div(w1, 2), tf.div(h1, 2), tf.div(w2, 2), tf.div(h2, 2)];
      [b1x1, b1x2, b1y1, b1y2] = [tf.sub(c1a, w1h), tf.add(c1a, w1h), tf.sub(c1b, h1h), tf.add(c1b, h1h)];
      [b2x1, b2x2, b2y1, b2y2] = [tf.sub(c2a, w2h), tf.add(c2a, w2h), tf.sub(c2b, h2h), tf.add(c2b, h2h)];
    } else {
      [b1x1, b1y1, b1x2, b1y2] = [c1a, c1b, c1c, c1d];
      [b2x1, b2y1, b2x2, b2y2] = [c2a, c2b, c2c, c2d];
      // Upstream v7.0 adds eps to the heights only, and only in this branch.
      [w1, h1] = [tf.sub(b1x2, b1x1), tf.add(tf.sub(b1y2, b1y1), eps)];
      [w2, h2] = [tf.sub(b2x2, b2x1), tf.add(tf.sub(b2y2, b2y1), eps)];
    }

    const inter = tf.mul(
      tf.relu(tf.sub(tf.minimum(b1x2, b2x2), tf.maximum(b1x1, b2x1))),
      tf.relu(tf.sub(tf.minimum(b1y2, b2y2), tf.maximum(b1y1, b2y1))));
    const union = tf.add(tf.sub(tf.add(tf.mul(w1, h1), tf.mul(w2, h2)), inter), eps);
    const iou = tf.div(inter, union);
    if (!(CIoU || DIoU || GIoU)) return tf.reshape(iou, [-1]) as tf.Tensor1D;

    const cw = tf.sub(tf.maximum(b1x2, b2x2), tf.minimum(b1x1, b2x1));   // enclosing box width
    const ch = tf.sub(tf.maximum(b1y2, b2y2), tf.minimum(b1y1, b2y1));   // enclosing box height
    if (CIoU || DIoU) {
      const c2 = tf.add(tf.add(tf.square(cw), tf.square(ch)), eps);      // enclosing diagonal squared
      const dx = tf.sub(tf.sub(tf.add(b2x1, b2x2), b1x1), b1x2);
      const dy = tf.sub(tf.sub(tf.add(b2y1, b2y2), b1y1), b1y2);
      const rho2 = tf.div(tf.add(tf.square(dx), tf.square(dy)), 4);       // centre distance squared
      if (CIoU) {
        const v = tf.mul(CIOU_V_GAIN, tf.square(tf.sub(tf.atan(tf.div(w2, h2)), tf.atan(tf.div(w1, h1)))));
        const alpha = detached(() => tf.div(v, tf.add(tf.sub(v, iou), 1 + eps)));
        return tf.reshape(tf.sub(iou, tf.add(tf.div(rho2, c2), tf.mul(v, alpha))), [-1]) as tf.Tensor1D;
      }
      return tf.reshape(tf.sub(iou, tf.div(rho2, c2)), [-1]) as tf.Tensor1D;
    }
    const cArea = tf.add(tf.mul(cw, ch), eps);   // enclosing area
    // v7.0 subtracts the union here (not the intersection).
    return tf.reshape(tf.sub(iou, tf.div(tf.sub(cArea, union), cArea)), [-1]) as tf.Tensor1D;
  });
}
