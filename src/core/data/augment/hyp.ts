// The augmentation hyperparameters the data path reads, with upstream's key names (hyp.scratch-*.yaml). A full hyp
// from the config module (hypPreset('scratch-low'), a parsed hyp.yaml) satisfies this interface structurally.
import { DataConfigError } from '../errors';

export interface AugmentHyp {
  /** Hue gain: hue scaled by a factor in [1 - hsv_h, 1 + hsv_h]. */
  hsv_h: number;
  /** Saturation gain, as hsv_h. */
  hsv_s: number;
  /** Value gain, as hsv_h. */
  hsv_v: number;
  /** Rotation range, +/- degrees. */
  degrees: number;
  /** Translation range, +/- fraction of the output size. */
  translate: number;
  /** Scale range, 1 +/- scale. */
  scale: number;
  /** Shear range, +/- degrees. */
  shear: number;
  /** Perspective range, +/- (0 to 0.001 upstream). A non-zero value switches the warp to warpPerspective. */
  perspective: number;
  /** Probability of a vertical flip. */
  flipud: number;
  /** Probability of a horizontal flip. */
  fliplr: number;
  /** Probability of a 4-image mosaic (ignored with rect batches, as upstream). */
  mosaic: number;
  /** Probability of mixing in a second mosaic (only after a mosaic). */
  mixup: number;
  /**
   * Segment copy-paste probability. Read for completeness only: upstream applies it to segment labels, and box
   * datasets have none, so it never changes a box-labelled image.
   */
  copy_paste?: number;
}

const KEYS = ['hsv_h', 'hsv_s', 'hsv_v', 'degrees', 'translate', 'scale', 'shear', 'perspective', 'flipud', 'fliplr', 'mosaic', 'mixup'] as const;
const PROBABILITIES = new Set(['flipud', 'fliplr', 'mosaic', 'mixup']);

/** Throws DataConfigError (code bad_hyp) naming the key when a value is missing, not finite, negative or (for a probability) above 1. */
export function checkAugmentHyp(hyp: AugmentHyp, where = 'hyp'): void {
  for (const k of KEYS) {
    const v = hyp[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (PROBABILITIES.has(k) && v > 1)) {
      const want = PROBABILITIES.has(k) ? 'a probability in [0, 1]' : 'a finite number >= 0';
      throw new DataConfigError('bad_hyp', `${where}.${k} must be ${want}, got ${String(v)}`);
    }
  }
}
