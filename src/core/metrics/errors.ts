// Errors raised by the metrics when their inputs cannot describe detections, labels or statistics.
import { YoloError } from '../errors';

/**
 * Codes: METRICS_SHAPE (an array length that does not fit the stated rows/columns),
 * METRICS_THRESHOLD (a confidence or IoU threshold outside [0, 1]),
 * METRICS_NC (a class count or class index that cannot index the confusion matrix).
 */
export class MetricsInputError extends YoloError {}
