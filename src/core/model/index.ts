export { MODEL_CONFIGS, MODEL_NAMES, modelConfig, type LayerRow, type ModelConfig, type ModelName } from './configs';
export { parseModelYaml } from './parseYaml';
export { resolveModel, type LayerSpec, type ResolvedModel } from './spec';
export { buildModel, probeStrides, YoloModel, type BuildOptions } from './yolo';
export type { StateDict, StateTensor } from './stateDict';
export { intersectDicts, transferWeights, type TransferReport } from './transfer';
