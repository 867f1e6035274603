// Test fixtures of the checkpoint tools (Node + fake-indexeddb only; imported by *.test.ts, never by the app): the
// reference's upstream-trained synth best.pt stored as a run, an untrained yolov5n best.pt written by our own writer
// stored as another, and a few synth val images stored as a dataset.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readImageInfo, decodeImage } from '../../test/nodeData';
import { REF_DIR, SHARED_DIR } from '../../test/refs';
import { stripCheckpoint, writeCheckpoint } from '../core/io';
import { buildModel } from '../core/model';
import { modelConfig } from '../core/model/configs';
import { modelYaml } from '../core/train/checkpoint';
import { importDataset, saveCheckpoint, saveRun, type DatasetManifest, type ImportItem, type StudioDb } from '../storage';
import { importDroppedRun } from './importRun';
import type { BlobDecoder } from './tryIt';

/** The reference's 100-epoch upstream run on the synthetic shapes (yolov5n, img 256). */
export const SYNTH_BEST = readFileSync(resolve(REF_DIR, 'upstream_synth_e100_best.pt'));
export const SYNTH_NAMES = ['rectangle', 'circle', 'triangle'];

/** Stored bytes decoded as the CLI decodes files (sharp): the worker's decodeBlob needs a browser. */
export const nodeDecode: BlobDecoder = async (blob, file) => decodeImage(new Uint8Array(await blob.arrayBuffer()), file);

export function synthValImage(i: number): { path: string; bytes: Uint8Array; labels: Float32Array } {
  const stem = `val_${String(i).padStart(4, '0')}`;
  const bytes = new Uint8Array(readFileSync(resolve(SHARED_DIR, `datasets/synth/images/val/${stem}.jpg`)));
  const text = readFileSync(resolve(SHARED_DIR, `datasets/synth/labels/val/${stem}.txt`), 'utf8');
  const labels = Float32Array.from(text.trim().split(/\s+/).filter(Boolean).map(Number));
  return { path: `images/val/${stem}.jpg`, bytes, labels };
}

/** The first `count` synth val images as a stored dataset (val split only) with the given class names. */
export async function storeSynthVal(db: StudioDb, count: number, names = SYNTH_NAMES, name = 'synth val'): Promise<DatasetManifest> {
  const items: ImportItem[] = [];
  for (let i = 0; i < count; i++) {
    const img = synthValImage(i);
    const info = await readImageInfo(img.bytes, img.path);
    items.push({ split: 'val', path: img.path, bytes: img.bytes, width: info.width, height: info.height, labels: img.labels, type: 'image/jpeg' });
  }
  return importDataset(db, items, { name, names });
}

/** SYNTH_BEST imported as a cluster run (its config says img 256); resolves with the run id. */
export async function storeSynthRun(db: StudioDb, name = 'synth e100'): Promise<string> {
  const run = await importDroppedRun(db, { files: [{ path: 'best.pt', file: new File([SYNTH_BEST], 'best.pt') }], name });
  return run.runId;
}

/**
 * A freshly built (untrained, seeded) yolov5n with 3 classes as a stripped best.pt of our writer. `blind`: Detect's
 * objectness biases at -30, so it predicts nothing at any threshold.
 */
export async function untrainedBestPt(seed = 0, opts: { blind?: boolean } = {}): Promise<Uint8Array> {
  const model = buildModel({ ...modelConfig('yolov5n'), nc: 3 }, { seed });
  try {
    const stateDict = await model.stateDict();
    if (opts.blind) {
      // (na * (5 + nc),) per level: channel 4 of each anchor's row is objectness.
      for (let i = 0; i < 3; i++) stateDict.get(`model.24.m.${i}.bias`)!.data.forEach((_, k, d) => k % 8 === 4 && (d[k] = -30));
    }
    const m = { yaml: modelYaml(model), names: SYNTH_NAMES, stateDict, nc: 3, stride: model.stride, yamlFile: 'yolov5n.yaml' };
    return writeCheckpoint(stripCheckpoint({ epoch: -1, best_fitness: null, model: m }));
  } finally {
    model.dispose();
  }
}

/** A run trained at `imgsz` whose best.pt is `bytes` (e.g. untrainedBestPt()). */
export async function storeRunWith(db: StudioDb, id: string, bytes: Uint8Array, imgsz: number): Promise<string> {
  await saveRun(db, { id, name: `run ${id}`, config: { options: { imgsz } }, status: 'done' });
  await saveCheckpoint(db, id, 'best', bytes, { epoch: -1 });
  return id;
}
