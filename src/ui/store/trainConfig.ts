// The TrainConfig of the studio's current settings: what the Train button starts a run with, and what the cluster
// bundle writes, so both always agree.
import type { TrainConfig } from '../../protocol/messages';
import type { Studio } from './types';

export function currentTrainConfig(s: Pick<Studio, 'model' | 'hyp' | 'hypPreset' | 'options' | 'weights'>): TrainConfig {
  return {
    model: s.model, hyp: s.hyp, hypPreset: s.hypPreset, options: s.options,
    ...(s.weights ? { weightsName: s.weights.name } : {}),
  };
}
