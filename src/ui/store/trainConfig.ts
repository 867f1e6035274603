// The TrainConfig of the studio's current settings: what the Train button starts a run with, and what the cluster
// bundle writes, so both always agree.
import type { TrainConfig } from '../../protocol/messages';
import { checkpointFileName, customYamlName, type StoredWeightsRef } from '../../protocol/modelSetup';
import type { Studio } from './types';

type ConfigFields = 'model' | 'hyp' | 'hypPreset' | 'options' | 'weights' | 'storedWeights' | 'customModel';

export function currentTrainConfig(s: Pick<Studio, ConfigFields>): TrainConfig {
  const stored = s.storedWeights;
  return {
    model: s.model, hyp: s.hyp, hypPreset: s.hypPreset, options: s.options,
    ...(s.weights ? { weightsName: s.weights.name } : {}),
    ...(!s.weights && stored
      ? { weightsName: checkpointFileName(stored.entryId), weightsFrom: { runId: stored.runId, entryId: stored.entryId, runName: stored.runName } }
      : {}),
    ...(s.customModel ? { cfgYaml: s.customModel.text, cfgName: customYamlName(s.customModel.name) } : {}),
  };
}

/** Where the worker finds the starting weights: the dropped File (cloned cheaply) or a stored checkpoint's keys. */
export function currentWeightsSource(s: Pick<Studio, 'weights' | 'storedWeights'>): { weights?: File; weightsRef?: StoredWeightsRef } {
  if (s.weights) return { weights: s.weights };
  if (s.storedWeights) return { weightsRef: { runId: s.storedWeights.runId, entryId: s.storedWeights.entryId } };
  return {};
}

/** How a new run's name says what it starts from: the dropped file, a stored run's checkpoint, the custom yaml, the size. */
export function modelLabel(s: Pick<Studio, 'model' | 'weights' | 'storedWeights' | 'customModel'>): string {
  const start = s.weights
    ? s.weights.name
    : s.storedWeights && `${checkpointFileName(s.storedWeights.entryId)} of ${s.storedWeights.runName.split(' · ')[0]}`;
  if (s.customModel) return [customYamlName(s.customModel.name), start].filter(Boolean).join(' + ');
  return start || s.model;
}
