// Errors of the training configuration: hyp files and train options. Each names the file (and line) or the option
// it is about; `code` is stable for callers that switch on it.
import { YoloError } from '../errors';

/**
 * A hyp.yaml or hyp object that cannot drive training.
 * Codes: yaml_syntax, not_a_mapping, unknown_key, missing_key, bad_value, unknown_preset.
 */
export class HypError extends YoloError {}

/**
 * Train options out of range or of the wrong type.
 * Codes: unknown_option, bad_option, unknown_optimizer, freeze_out_of_range.
 */
export class TrainOptionsError extends YoloError {}
