// The files of a run, built from what storage holds: last.pt / best.pt / epochN.pt as the worker wrote them,
// results.csv from the stored metrics rows (byte-identical to upstream's writer), hyp.yaml and opt.yaml from the
// run's config as train.py saves them.
import { stringify } from 'yaml';
import { writeHypYaml } from '../core/config/hypYaml';
import type { Hyp } from '../core/config/hyps';
import { TRAIN_DEFAULTS } from '../core/config/trainOptions';
import { resultsHeader, resultsRow } from '../core/train/results';
import { fromStoredRow } from '../protocol/metrics';
import type { TrainConfig } from '../protocol/messages';
import { cfgOption, checkpointFileName } from '../protocol/modelSetup';
import { getManifest, getRun, readCheckpoint, readEpochMetrics } from '../storage';
import { studioDb } from './db';
import { trainerClient } from './trainerClient';

/** Saves a Blob through the browser's download (an <a download> on an object URL). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by the time the click returns; the URL can go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export { checkpointFileName };

export async function downloadCheckpoint(runId: string, entryId: string): Promise<void> {
  const { blob } = await readCheckpoint(studioDb(), runId, entryId);
  downloadBlob(blob, checkpointFileName(entryId));
}

export async function resultsCsv(runId: string): Promise<string> {
  const rows = (await readEpochMetrics(studioDb(), runId)).map(fromStoredRow);
  return [resultsHeader(), ...rows.map(resultsRow)].join('\n') + '\n';
}

async function runConfig(runId: string): Promise<{ config: TrainConfig; name: string; data: string }> {
  const record = await getRun(studioDb(), runId);
  const data = record.datasetId ? await getManifest(studioDb(), record.datasetId).then((m) => m.name, () => record.datasetId!) : '';
  return { config: record.config as TrainConfig, name: record.name, data };
}

/** opt.yaml: train.py's vars(opt), with hyp as the dict it holds by then. */
export function optYaml(config: TrainConfig, name: string, data: string): string {
  const opt = {
    ...TRAIN_DEFAULTS,
    ...config.options,
    weights: config.weightsName ?? '',
    cfg: cfgOption(config, Boolean(config.weightsName)),
    data,
    hyp: { ...config.hyp } as Hyp,
    name,
  };
  return stringify(opt);
}

export async function downloadRunFile(runId: string, file: 'results.csv' | 'hyp.yaml' | 'opt.yaml'): Promise<void> {
  if (file === 'results.csv') {
    downloadBlob(new Blob([await resultsCsv(runId)], { type: 'text/csv' }), file);
    return;
  }
  const { config, name, data } = await runConfig(runId);
  const text = file === 'hyp.yaml' ? writeHypYaml(config.hyp) : optYaml(config, name, data);
  downloadBlob(new Blob([text], { type: 'text/yaml' }), file);
}

/** Exports a stored checkpoint as ONNX in the worker and downloads it as `<run>-<entry>.onnx`. */
export async function downloadOnnx(runId: string, entryId: string, opts: { imgsz?: number; dynamic?: boolean } = {}): Promise<string> {
  const { fileName, bytes } = await trainerClient().exportOnnx({ runId, entryId, ...opts });
  downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), fileName);
  return fileName;
}
