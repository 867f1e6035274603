// --cfg resolution shared by CLI commands: a built-in name (yolov5s, yolov5s.yaml) or a path to a model yaml.
import { existsSync, readFileSync } from 'node:fs';
import { ModelConfigError } from '../core/errors';
import { MODEL_NAMES, modelConfig, parseModelYaml, type ModelConfig, type ModelName } from '../core/model';

export function loadModelConfig(cfg: string): ModelConfig {
  if (existsSync(cfg)) return parseModelYaml(readFileSync(cfg, 'utf8'), cfg);
  const stem = cfg.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  if ((MODEL_NAMES as string[]).includes(stem) && !/[\\/]/.test(cfg)) return modelConfig(stem as ModelName);
  throw new ModelConfigError('cfg_not_found', `no such model yaml, and not a built-in (${MODEL_NAMES.join(', ')})`, { file: cfg });
}
