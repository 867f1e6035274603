// The augmentation hyperparameters the data path reads, with upstream's key names (hyp.scratch-*.yaml). A full hyp
// from the config module (hypPreset('scratch-low'), a parsed hyp.yaml) satisfies this interface structurally.
import type { Hyp } from '../../config/hyps';
import { DataConfigError } from '../errors';

/** The augmentation keys of the hyperparameters (documented with the presets in config/hyps.ts). */
export type AugmentHyp = Pick<Hyp, 'hsv_h' | 'hsv_s' | 'hsv_v' | 'degrees' | 'translate' | 'scale' | 'shear' | 'perspective'
  | 'flipud' | 'fliplr' | 'mosaic' | 'mixup'> & Partial<Pick<Hyp, 'copy_paste'>>;

/** The hyperparameter keys the augmentation reads (checked by checkAugmentHyp). */
export const AUGMENT_HYP_KEYS = ['hsv_h', 'hsv_s', 'hsv_v', 'degrees', 'translate', 'scale', 'shear', 'perspective', 'flipud', 'fliplr', 'mosaic', 'mixup'] as const;
const KEYS = AUGMENT_HYP_KEYS;
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
