/** Optimizers with PyTorch semantics, upstream's parameter groups, LR schedule, gradient clipping, EMA. */
export { Adam, ADAM_BETA2, ADAM_EPS } from './adam';
export { EMA_DECAY, EMA_TAU, EmaAverager, emaDecay, ModelEMA, type EmaPair } from './ema';
export { OptimizerError } from './errors';
export { createOptimizer } from './factory';
export { FLAT_GATHER, FLAT_SCATTER, flatClip, gatherFlat, scatterFlat, type FlatScatterAttrs } from './flat';
export { FusedAdam } from './fusedAdam';
export { FusedSGD } from './fusedSgd';
export { clipAndStep, clipGradNorm, GradAccumulator } from './grads';
export { flatParams, groupIndices, type Grads, type Optimizer } from './optimizer';
export {
  buildParamGroups, describeGroups, GROUP_ROLES, groupRole, NBS, nominalBatch, pyRound,
  type GroupHyp, type GroupRole, type ParamGroup, type ParamRef, type ParamSource,
} from './paramGroups';
export {
  applySchedule, epochEndLr, iterationSchedule, linearLf, lrLambda, oneCycle, schedulerLr, warmupIterations,
  type IterationSchedule, type LrLambda, type ScheduleConfig,
} from './schedule';
export { SGD, type SgdOptions } from './sgd';
