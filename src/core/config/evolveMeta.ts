// Upstream train.py's hyperparameter-evolution table (YOLOv5 v7.0): per key (mutation scale 0-1, lower limit,
// upper limit). A gain of 0 keeps the key fixed during evolution.
import type { HypKey } from './hyps';

export interface EvolveRange {
  /** mutation scale 0-1 (0 = never mutated) */
  gain: number;
  lower: number;
  upper: number;
}

const r = (gain: number, lower: number, upper: number): EvolveRange => Object.freeze({ gain, lower, upper });

/** In upstream's meta order (the order mutation draws its random numbers in). */
export const EVOLVE_META: Readonly<Record<HypKey, EvolveRange>> = Object.freeze({
  lr0: r(1, 1e-5, 1e-1), // initial learning rate (SGD=1E-2, Adam=1E-3)
  lrf: r(1, 0.01, 1.0), // final OneCycleLR learning rate (lr0 * lrf)
  momentum: r(0.3, 0.6, 0.98), // SGD momentum/Adam beta1
  weight_decay: r(1, 0.0, 0.001), // optimizer weight decay
  warmup_epochs: r(1, 0.0, 5.0), // warmup epochs (fractions ok)
  warmup_momentum: r(1, 0.0, 0.95), // warmup initial momentum
  warmup_bias_lr: r(1, 0.0, 0.2), // warmup initial bias lr
  box: r(1, 0.02, 0.2), // box loss gain
  cls: r(1, 0.2, 4.0), // cls loss gain
  cls_pw: r(1, 0.5, 2.0), // cls BCELoss positive_weight
  obj: r(1, 0.2, 4.0), // obj loss gain (scale with pixels)
  obj_pw: r(1, 0.5, 2.0), // obj BCELoss positive_weight
  iou_t: r(0, 0.1, 0.7), // IoU training threshold
  anchor_t: r(1, 2.0, 8.0), // anchor-multiple threshold
  anchors: r(2, 2.0, 10.0), // anchors per output grid (0 to ignore)
  fl_gamma: r(0, 0.0, 2.0), // focal loss gamma (efficientDet default gamma=1.5)
  hsv_h: r(1, 0.0, 0.1), // image HSV-Hue augmentation (fraction)
  hsv_s: r(1, 0.0, 0.9), // image HSV-Saturation augmentation (fraction)
  hsv_v: r(1, 0.0, 0.9), // image HSV-Value augmentation (fraction)
  degrees: r(1, 0.0, 45.0), // image rotation (+/- deg)
  translate: r(1, 0.0, 0.9), // image translation (+/- fraction)
  scale: r(1, 0.0, 0.9), // image scale (+/- gain)
  shear: r(1, 0.0, 10.0), // image shear (+/- deg)
  perspective: r(0, 0.0, 0.001), // image perspective (+/- fraction), range 0-0.001
  flipud: r(1, 0.0, 1.0), // image flip up-down (probability)
  fliplr: r(0, 0.0, 1.0), // image flip left-right (probability)
  mosaic: r(1, 0.0, 1.0), // image mosaic (probability)
  mixup: r(1, 0.0, 1.0), // image mixup (probability)
  copy_paste: r(1, 0.0, 1.0), // segment copy-paste (probability)
});

/** Keys in EVOLVE_META's order (upstream iterates meta.keys() when mutating). */
export const EVOLVE_KEYS = Object.keys(EVOLVE_META) as HypKey[];
