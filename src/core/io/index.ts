/** .pt checkpoints: safe reading (no code runs) and writing in upstream YOLOv5 v7.0's format. */
export { CheckpointError, type CheckpointErrorCode } from './errors';
export {
  assertSupportedModel,
  type Checkpoint,
  type ModelInfo,
  type ModelYaml,
  type OptimizerState,
  readCheckpoint,
  type StateDict,
  type StateTensor,
  type YamlRow,
} from './checkpoint';
export { type CheckpointInput, type CheckpointModel, stripCheckpoint, type WriteOptions, writeCheckpoint, writeStateDict } from './checkpointWriter';
export { upstreamParamGroups } from './paramGroups';
export { SUPPORTED_MODULE_CLASSES } from './globals';
export type { Plain } from './pyconvert';
export { type LoadOptions, loadTorchFile, saveTorchFile } from './torchFile';
export { makeTensor, tensorToFloat32 } from './tensor';
export { floatToHalfBits, halfToFloatTable } from './half';
export type { PyValue } from './pyvalues';
