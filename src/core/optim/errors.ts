// Errors of the optimizer path: a saved optimizer state that does not fit the model, or gradients that do not fit
// the parameters. `code` is stable for callers that switch on it.
import { YoloError } from '../errors';

/**
 * Codes: unknown_optimizer, group_mismatch (group count or sizes differ from the model's), optimizer_mismatch (state of another
 * optimizer kind), bad_state (a state tensor of the wrong shape or type), bad_grad (a gradient whose shape is not
 * its parameter's).
 */
export class OptimizerError extends YoloError {}
