// A .pt file -> a ready YoloModel: the checkpoint's own yaml (nc, anchors, rows), its weights (EMA when the file
// has one, as upstream's attempt_load does), names and strides.
import { YoloError } from './errors';
import { assertSupportedModel, readCheckpoint, type Checkpoint, type ModelInfo } from './io';
import { buildModel, type ModelConfig, type YoloModel } from './model';

export interface LoadedWeights {
  model: YoloModel;
  names: string[];
  checkpoint: Checkpoint;
}

export function modelConfigFromCheckpoint(info: ModelInfo, fileName: string): ModelConfig {
  const y = info.yaml;
  if (!y) {
    throw new YoloError('no_model_yaml', 'the checkpoint has no model yaml (a plain state_dict needs --cfg)', { file: fileName });
  }
  return {
    nc: info.nc ?? y.nc,
    depth_multiple: y.depth_multiple,
    width_multiple: y.width_multiple,
    anchors: y.anchors,
    backbone: y.backbone as ModelConfig['backbone'],
    head: y.head as ModelConfig['head'],
    name: info.yamlFile?.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '') ?? undefined,
  };
}

/** Upstream attempt_load takes `ema` if present, else `model`; both are the same architecture. */
export function loadWeights(bytes: Uint8Array, fileName: string): LoadedWeights {
  const checkpoint = readCheckpoint(bytes, fileName);
  assertSupportedModel(checkpoint);
  const info = checkpoint.ema ?? checkpoint.model;
  if (!info) throw new YoloError('no_model', 'the checkpoint holds no model', { file: fileName });
  const model = buildModel(modelConfigFromCheckpoint(info, fileName));
  try {
    model.loadStateDict(info.stateDict, fileName);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const names = info.names.length ? info.names : Array.from({ length: model.nc }, (_, i) => `class${i}`);
  return { model, names, checkpoint };
}
