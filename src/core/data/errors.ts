// Errors of the data path. Each names the file (and line, where there is one) it is about, so the CLI and the UI can
// say exactly what is wrong where; `code` is stable for callers that switch on it.
import { YoloError } from '../errors';

/**
 * A data.yaml that cannot describe a dataset, or a split whose paths do not exist.
 * Codes: yaml_syntax, yaml_not_mapping, missing_key, bad_names, nc_mismatch, bad_path, path_not_found, no_images.
 */
export class DataConfigError extends YoloError {}

/**
 * A YOLO label file that upstream's verify_image_label would reject (the image is then left out).
 * Codes: label_not_numeric, label_not_finite, label_columns, label_segment, label_negative, label_out_of_range,
 * label_class_range.
 */
export class LabelError extends YoloError {}

/**
 * An image that cannot be read or decoded into pixels, or whose pixels cannot be used.
 * Codes: image_unreadable (no such file / no access), image_corrupt, image_unsupported (format), image_shape
 * (an RgbImage whose size and data disagree), decoder_missing (Node: sharp not installed).
 */
export class ImageDecodeError extends YoloError {}
