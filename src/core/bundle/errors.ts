// Errors of the cluster bundle and of bringing a cluster run back. Each names the file or setting at fault.
import { YoloError } from '../errors';

/**
 * A bundle that cannot be written as asked. Codes: no_model (neither weights nor a model config), weights_missing,
 * cfg_unknown, empty_split, bad_gpus, batch_not_divisible, bad_labels, image_unreadable, entry_too_large,
 * duplicate_entry, bad_name.
 */
export class BundleError extends YoloError {}

/**
 * Dropped files that do not make a run. Codes: no_checkpoint, duplicate_checkpoint, not_a_run_checkpoint,
 * mismatched_checkpoints.
 */
export class ExternalRunError extends YoloError {}

/** A results.csv we cannot read. Codes: results_empty, results_header, results_columns, results_value. */
export class ResultsCsvError extends YoloError {}
