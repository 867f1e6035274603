// A run's architecture in the worker: a custom upstream-format model yaml is parsed with core/model's parser,
// resolved as parse_model does and summarized from the layer specs alone (no tensors, so a yolov5x yaml is checked as
// fast as a yolov5n one); a built-in size comes from core/model/configs.
import { YoloError } from '../core/errors';
import { modelConfig, parseModelYaml, probeStrides, resolveModel, type ModelConfig, type ResolvedModel } from '../core/model';
import { summarize, summaryName } from '../core/model/summary';
import { toPlainError, type TrainConfig } from '../protocol/messages';
import { customYamlName, type ModelYamlCheck } from '../protocol/modelSetup';

/** Parses and resolves a model yaml, throwing ModelConfigError (file, line) for anything buildModel would refuse. */
export function loadModelYaml(text: string, fileName: string, nc?: number): { cfg: ModelConfig; resolved: ResolvedModel; strides: number[] } {
  const cfg = parseModelYaml(text, fileName);
  const resolved = resolveModel(cfg, nc, fileName);
  return { cfg, resolved, strides: probeStrides(resolved, fileName) };
}

/** The Model panel's check of a pasted or dropped yaml: its summary with the dataset's nc, or the parser's error. */
export function checkModelYaml(text: string, fileName: string, nc?: number, imgsz = 640): ModelYamlCheck {
  try {
    const { cfg, resolved, strides } = loadModelYaml(text, fileName, nc);
    const sum = summarize(resolved, summaryName(cfg.name), imgsz, Math.max(...strides));
    return {
      ok: true,
      summary: {
        name: sum.name, yamlNc: cfg.nc, nc: resolved.nc, depth_multiple: cfg.depth_multiple, width_multiple: cfg.width_multiple,
        rows: sum.rows.length, layers: sum.layers, parameters: sum.parameters, gflops: sum.gflops, imgsz, strides,
      },
    };
  } catch (err) {
    return { ok: false, error: toPlainError(err), ...(err instanceof YoloError && err.line ? { line: err.line } : {}) };
  }
}

/**
 * The architecture train() gets: the custom yaml when there is one (also beside starting weights, as upstream's
 * --cfg with --weights: matching layers are transferred into it), else the built-in size, else none (the starting
 * weights bring their own yaml). A bad custom yaml fails here, before the run is recorded.
 */
export function trainModelConfig(config: TrainConfig, fromWeights: boolean): ModelConfig | undefined {
  if (config.cfgYaml !== undefined) return loadModelYaml(config.cfgYaml, customYamlName(config.cfgName)).cfg;
  return fromWeights ? undefined : modelConfig(config.model);
}

/** Upstream's log line when the dataset's class count replaces the yaml's (models/yolo.py, DetectionModel). */
export function ncOverrideLine(cfg: ModelConfig | undefined, nc: number): string | null {
  return cfg && cfg.nc !== nc ? `Overriding model.yaml nc=${cfg.nc} with nc=${nc}` : null;
}
