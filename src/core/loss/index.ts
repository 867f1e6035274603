// Public surface of the loss: IoU family, target assignment, ComputeLoss and its hyperparameter scaling.
export { bboxIou, type BboxIouOptions } from './iou';
export { buildTargets, type BuildTargetsOptions, type LevelTargets } from './buildTargets';
export { computeLoss, defaultBalance, type ComputeLossOptions, type LossOutput } from './computeLoss';
export { scaleHyp, type LossHyp, type ScaleHypOptions } from './hyp';
export { makeCriterion, smoothBCE, type Criterion, type CriterionOptions } from './criteria';
export { AutoBalance } from './autobalance';
export { LossInputError } from './errors';
