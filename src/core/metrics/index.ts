// Host-side detection metrics matching upstream YOLOv5 v7.0: box IoU, NMS, TP matching, AP, confusion matrix.
export { MetricsInputError } from './errors';
export { boxIou, boxIouRows, packedBoxes, type BoxRows } from './boxIou';
export { nonMaxSuppression, torchvisionNms, NMS_MAX_WH, NMS_MAX_NMS, type NmsOptions } from './nms';
export { processBatch, IOUV } from './processBatch';
export { apPerClass, computeAp, fitness, type ApCurves, type ApPerClassResult, type ApResult } from './apPerClass';
export { curvePeak, meanCurve, resampleCurve } from './curves';
export { ConfusionMatrix } from './confusionMatrix';
export { ValStats, type ValSummary } from './valStats';
