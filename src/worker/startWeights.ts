// A run's starting weights, wherever they are: a dropped .pt (a File handle, cheap to clone into the worker) or a
// checkpoint the studio stored, best/last/epochN of any run (trained here or imported from a cluster). Stored ones
// are read from IndexedDB here, so their bytes never pass through the UI thread.
import { YoloError } from '../core/errors';
import { assertSupportedModel, readCheckpoint as parseCheckpoint } from '../core/io';
import type { WeightsFile } from '../core/train/types';
import { checkpointFileName, type StoredWeightsRef, type WeightsInfo } from '../protocol/modelSetup';
import { readCheckpoint, type StudioDb } from '../storage';

export class StartWeightsError extends YoloError {}

/** Where a message says the weights are: a dropped file or a stored checkpoint (the file wins if both are set). */
export interface WeightsSource {
  weights?: File;
  weightsRef?: StoredWeightsRef;
}

/** A stored checkpoint's bytes, named as upstream names the file (last.pt, best.pt, epoch3.pt). */
export async function readStoredWeights(db: StudioDb, ref: StoredWeightsRef): Promise<WeightsFile> {
  const { blob } = await readCheckpoint(db, ref.runId, ref.entryId);
  return { bytes: new Uint8Array(await blob.arrayBuffer()), fileName: checkpointFileName(ref.entryId) };
}

/** The starting weights of a 'start' message, or undefined for a run from scratch. */
export async function startWeights(db: StudioDb, src: WeightsSource): Promise<WeightsFile | undefined> {
  if (src.weights) return { bytes: new Uint8Array(await src.weights.arrayBuffer()), fileName: src.weights.name };
  if (src.weightsRef) return readStoredWeights(db, src.weightsRef);
  return undefined;
}

/**
 * The weights a cluster bundle ships, read only when the zip writer gets to them. A stored checkpoint is looked up
 * now (a deleted one fails before the download starts); IndexedDB hands back a Blob that is not read until then.
 */
export async function shippedWeights(
  db: StudioDb,
  src: WeightsSource,
  fileName?: string,
): Promise<{ fileName: string; bytes: () => Promise<Uint8Array> } | undefined> {
  const file = src.weights;
  if (file) return { fileName: file.name, bytes: async () => new Uint8Array(await file.arrayBuffer()) };
  if (!src.weightsRef) return undefined;
  const { blob } = await readCheckpoint(db, src.weightsRef.runId, src.weightsRef.entryId);
  return { fileName: fileName ?? checkpointFileName(src.weightsRef.entryId), bytes: async () => new Uint8Array(await blob.arrayBuffer()) };
}

/** What the panel shows of a starting checkpoint: its classes, the yaml it was built from, its epoch and size. */
export async function inspectWeights(db: StudioDb, src: WeightsSource): Promise<WeightsInfo> {
  const w = await startWeights(db, src);
  if (!w) throw new StartWeightsError('no_weights', 'neither a .pt file nor a stored checkpoint was given');
  const ckpt = parseCheckpoint(w.bytes, w.fileName);
  assertSupportedModel(ckpt);
  // The model transfer learning copies from (train.py reads ckpt['model']); the EMA when that is all there is.
  const info = ckpt.model ?? ckpt.ema;
  if (!info) throw new StartWeightsError('no_model', 'the checkpoint holds no model', { file: w.fileName });
  const nc = info.nc ?? info.yaml?.nc ?? info.names.length;
  let parameters = 0;
  for (const name of info.parameterNames) parameters += info.stateDict.get(name)?.shape.reduce((a, b) => a * b, 1) ?? 0;
  return {
    fileName: w.fileName,
    names: info.names.length ? info.names : Array.from({ length: nc }, (_, i) => `class${i}`),
    nc,
    yamlFile: info.yamlFile ?? '',
    epoch: ckpt.epoch ?? -1,
    parameters,
  };
}
