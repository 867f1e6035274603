/** Training configuration: hyperparameter presets and files, evolve ranges, train options. */
export { HypError, TrainOptionsError } from './errors';
export { EVOLVE_KEYS, EVOLVE_META, type EvolveRange } from './evolveMeta';
export {
  formatHypLog, HYP_COMMENTS, HYP_KEYS, HYP_PRESET_NAMES, hypPreset, isHypPresetName, pyFloatRepr, REQUIRED_HYP_KEYS,
  type Hyp, type HypKey, type HypPresetName, type RequiredHypKey,
} from './hyps';
export { hypValueProblem, parseHypYaml, resolveHyp, validateHyp, writeHypYaml } from './hypYaml';
export {
  checkImgSize, EVOLVE_DEFAULT_GENERATIONS, frozenLayerPrefixes, OPTIMIZERS, TRAIN_DEFAULTS, validateTrainOptions,
  type OptimizerName, type TrainOptions, type ValidateContext, type ValidatedOptions,
} from './trainOptions';
