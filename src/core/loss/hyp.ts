// The loss hyperparameters (upstream hyp.*.yaml key names) and train.py's scaling of the loss gains.
import { LossInputError } from './errors';

export interface LossHyp {
  /** Box (CIoU) loss gain. */
  box: number;
  /** Objectness loss gain. */
  obj: number;
  /** Class loss gain. */
  cls: number;
  /** Class BCE positive weight. */
  cls_pw: number;
  /** Objectness BCE positive weight. */
  obj_pw: number;
  /** Focal loss gamma; 0 disables focal loss. */
  fl_gamma: number;
  /** Largest label/anchor width or height ratio that still counts as a match. */
  anchor_t: number;
  /** Label smoothing epsilon for the class targets. */
  label_smoothing: number;
}

export interface ScaleHypOptions {
  /** Number of classes. */
  nc: number;
  /** Training image size in pixels. */
  imgsz: number;
  /** Number of detection layers. */
  nl: number;
  /** train.py always overwrites hyp.label_smoothing with --label-smoothing; pass it to do the same. */
  labelSmoothing?: number;
}

/**
 * train.py's gain scaling: box by 3/nl, cls by nc/80 * 3/nl, obj by (imgsz/640)^2 * 3/nl. The expressions keep
 * upstream's evaluation order so the doubles come out bit-identical (obj 1.0 at 64 px gives 0.010000000000000002).
 * Returns a new object; other keys are copied unchanged.
 */
export function scaleHyp<H extends Pick<LossHyp, 'box' | 'cls' | 'obj'> & { label_smoothing?: number }>(
  hyp: H, { nc, imgsz, nl, labelSmoothing }: ScaleHypOptions): H {
  for (const [key, value] of Object.entries({ nc, imgsz, nl })) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new LossInputError('LOSS_HYP', `scaleHyp: ${key} must be a positive integer, got ${value}`);
    }
  }
  for (const key of ['box', 'cls', 'obj'] as const) {
    if (!Number.isFinite(hyp[key])) throw new LossInputError('LOSS_HYP', `scaleHyp: hyp.${key} must be a finite number, got ${hyp[key]}`);
  }
  const out = { ...hyp };
  out.box = hyp.box * (3 / nl);
  out.cls = hyp.cls * (((nc / 80) * 3) / nl);
  out.obj = hyp.obj * ((((imgsz / 640) ** 2) * 3) / nl);
  if (labelSmoothing !== undefined) out.label_smoothing = labelSmoothing;
  return out;
}

/** Throws LossInputError naming the first missing or non-finite loss key. */
export function checkLossHyp(hyp: LossHyp): void {
  const keys: Array<keyof LossHyp> = ['box', 'obj', 'cls', 'cls_pw', 'obj_pw', 'fl_gamma', 'anchor_t', 'label_smoothing'];
  for (const key of keys) {
    if (typeof hyp[key] !== 'number' || !Number.isFinite(hyp[key])) {
      throw new LossInputError('LOSS_HYP', `computeLoss: hyp.${key} must be a finite number, got ${String(hyp[key])}`);
    }
  }
  if (!(hyp.anchor_t > 0)) throw new LossInputError('LOSS_HYP', `computeLoss: hyp.anchor_t must be > 0, got ${hyp.anchor_t}`);
}
