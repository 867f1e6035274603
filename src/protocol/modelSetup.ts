// What the Model panel and the worker say about a run's architecture and starting weights: a custom model yaml's
// check result, a stored checkpoint named by storage keys, and what a starting checkpoint holds (its classes).
// Pure types and tiny helpers: the UI, the worker and storage-free tests all import this.
import type { PlainError } from './messages';

/** A checkpoint the studio stored (a run's 'last' / 'best' / 'epoch-<n>'), named by its storage keys. */
export interface StoredWeightsRef {
  runId: string;
  entryId: string;
}

/** A custom model yaml's summary, as upstream prints it (parse_model + model_info) with the dataset's nc. */
export interface ModelYamlSummary {
  /** The summary's model name (upstream: YOLOv5s for yolov5s.yaml, else the file stem). */
  name: string;
  /** nc written in the yaml, and the nc the model is built with (the dataset's, when given). */
  yamlNc: number;
  nc: number;
  depth_multiple: number;
  width_multiple: number;
  /** Rows of the yaml (backbone + head), i.e. the summary table's length. */
  rows: number;
  /** Modules, parameters and GFLOPs as upstream's "summary:" line counts them. */
  layers: number;
  parameters: number;
  gflops: number;
  /** Image size the GFLOPs are for. */
  imgsz: number;
  /** Output strides of the Detect levels (8, 16, 32 for the P5 models). */
  strides: number[];
}

export type ModelYamlCheck =
  | { ok: true; summary: ModelYamlSummary }
  /** `line`: 1-based line of the yaml the parser blames, when it can tell. */
  | { ok: false; error: PlainError; line?: number };

/** What a starting checkpoint holds, for the panel: its classes and architecture. */
export interface WeightsInfo {
  fileName: string;
  /** Class names (class0.. when the file has none). */
  names: string[];
  nc: number;
  /** The model yaml's file name the checkpoint was built from ('' when it does not say). */
  yamlFile: string;
  /** Training epoch of an unstripped checkpoint; -1 for a final, stripped one. */
  epoch: number;
  parameters: number;
}

/** File name of a stored checkpoint entry as upstream names it in weights/: 'epoch-3' -> 'epoch3.pt'. */
export function checkpointFileName(entryId: string): string {
  return entryId.startsWith('epoch-') ? `epoch${entryId.slice('epoch-'.length)}.pt` : `${entryId}.pt`;
}

/** File name a custom model yaml is shown and shipped under: its own name made a .yaml, else 'model.yaml'. */
export function customYamlName(name: string | undefined): string {
  const base = (name ?? '').replace(/^.*[\\/]/, '').trim();
  if (!base) return 'model.yaml';
  return /\.ya?ml$/i.test(base) ? base : `${base}.yaml`;
}

/**
 * opt.cfg as train.py records it: the custom yaml's name (--cfg is always given for one), else the built-in
 * '<model>.yaml' when training from scratch, '' when the architecture comes from the starting weights.
 */
export function cfgOption(config: { model: string; cfgYaml?: string; cfgName?: string }, fromWeights: boolean): string {
  if (config.cfgYaml !== undefined) return customYamlName(config.cfgName);
  return fromWeights ? '' : `${config.model}.yaml`;
}
