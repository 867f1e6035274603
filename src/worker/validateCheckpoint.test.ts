// Validate, as the worker runs it: a stored checkpoint on a stored dataset's val split gives what core/val gives on
// the same files read from disk (so storage, keys and labels carry through unchanged); class counts that differ are
// refused naming both sides' classes; an untrained model still gets a per-class table.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { decodeImage } from '../../test/nodeData';
import type { ValItem } from '../core/data';
import { runVal } from '../core/val';
import { loadWeights } from '../core/weights';
import { importDataset, type DatasetManifest, type StudioDb } from '../storage';
import { freshDb } from '../storage/testing';
import { CheckpointModelCache } from './checkpointModels';
import { nodeDecode, storeRunWith, storeSynthRun, storeSynthVal, SYNTH_BEST, SYNTH_NAMES, synthValImage, untrainedBestPt } from './checkpointTesting';
import { validateStoredCheckpoint } from './validateCheckpoint';

describe('validateStoredCheckpoint', () => {
  let db: StudioDb;
  let runId: string;
  let synth: DatasetManifest;
  let models: CheckpointModelCache;
  beforeAll(async () => {
    await useBackend('wasm');
    db = freshDb().db;
    runId = await storeSynthRun(db);
    synth = await storeSynthVal(db, 4);
    models = new CheckpointModelCache(db);
  });

  it('equals core/val on the same images read from disk, with progress per batch and val.py\'s all row', async () => {
    const progress: string[] = [];
    const r = await validateStoredCheckpoint(db, models, { runId, entryId: 'best', datasetId: synth.id, batchSize: 2 }, nodeDecode,
      (p) => progress.push(`${p.batch}/${p.batches}:${p.images}`));
    expect(progress).toEqual(['1/2:2', '2/2:4']);
    expect(r).toMatchObject({ imgsz: 256, batchSize: 2, names: SYNTH_NAMES, perClassZero: false, warnings: [] });
    expect(r.dataset).toEqual({ id: synth.id, name: 'synth val' });
    expect(r.checkpoint).toMatchObject({ runId, fileName: 'best.pt', nc: 3 });

    const { model } = loadWeights(SYNTH_BEST, 'best.pt');
    const files = new Map<string, Uint8Array>();
    const items: ValItem[] = [0, 1, 2, 3].map((i) => {
      const img = synthValImage(i);
      files.set(img.path, img.bytes);
      return { file: img.path, shapeWH: [256, 256], labels: img.labels };
    });
    const direct = await runVal(model, items, (f) => decodeImage(files.get(f)!, f), SYNTH_NAMES, { imgsz: 256, batchSize: 2 });
    model.dispose();
    expect(r.analytics.all).toEqual({
      images: 4, instances: direct.instances, P: direct.P, R: direct.R, mAP50: direct.mAP50, mAP50_95: direct.mAP50_95,
    });
    expect(r.perClass).toEqual(direct.perClass);
    expect(r.perClass.map((c) => c.name)).toEqual(SYNTH_NAMES);
    expect(r.analytics.all.mAP50).toBeGreaterThan(0.4);
    expect(r.analytics.curves?.pr.lines.length).toBe(3);
    expect(r.analytics.confusion?.names).toEqual([...SYNTH_NAMES, 'background']);
    expect(r.analytics.gallery).toBeUndefined();
  });

  it('a dataset with another class count is refused, naming both sides\' classes', async () => {
    const pets = await storeSynthVal(db, 1, ['cat', 'dog'], 'pets');
    const err = await validateStoredCheckpoint(db, models, { runId, entryId: 'best', datasetId: pets.id }, nodeDecode).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'CheckpointToolError', code: 'class_mismatch' });
    const message = (err as Error).message;
    expect(message).toContain('best.pt of run "synth e100"');
    expect(message).toContain('detects 3 classes (rectangle, circle, triangle)');
    expect(message).toContain('dataset "pets" has 2 classes (cat, dog)');
  });

  it('same class count, other names: validated under the dataset\'s names, with a warning', async () => {
    const abc = await storeSynthVal(db, 1, ['a', 'b', 'c'], 'abc');
    const r = await validateStoredCheckpoint(db, models, { runId, entryId: 'best', datasetId: abc.id }, nodeDecode);
    expect(r.names).toEqual(['a', 'b', 'c']);
    expect(r.warnings).toEqual(['best.pt names its classes rectangle, circle, triangle; the rows use dataset "abc"\'s names']);
  });

  it('a model that matches nothing still lists the labelled classes, at zero (upstream prints no class rows)', async () => {
    await storeRunWith(db, 'fresh', await untrainedBestPt(0, { blind: true }), 64);
    const r = await validateStoredCheckpoint(db, models, { runId: 'fresh', entryId: 'best', datasetId: synth.id }, nodeDecode);
    expect(r.imgsz).toBe(64);
    expect(r.analytics.all.mAP50).toBe(0);
    expect(r.perClassZero).toBe(true);
    expect(r.analytics.curves).toBeUndefined();
    const instances = [0, 0, 0];
    for (const i of [0, 1, 2, 3]) synthValImage(i).labels.forEach((v, k) => k % 5 === 0 && instances[v]++);
    expect(r.perClass).toEqual(SYNTH_NAMES.map((name, c) => ({ name, images: 4, instances: instances[c], P: 0, R: 0, mAP50: 0, mAP50_95: 0 })));
  });

  it('leaves no tensor behind: a second validation on the cached model keeps tf.memory() unchanged', async () => {
    const req = { runId, entryId: 'best', datasetId: synth.id };
    await validateStoredCheckpoint(db, models, req, nodeDecode); // burn-in: the model is loaded and cached
    const before = tf.memory().numTensors;
    await validateStoredCheckpoint(db, models, { ...req, batchSize: 3 }, nodeDecode);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a dataset without val images, a bad batch size and a missing dataset fail with their codes', async () => {
    const trainOnly = await importDataset(db, [{ ...synthItem(), split: 'train' }], { name: 'train only', names: SYNTH_NAMES });
    await expect(validateStoredCheckpoint(db, models, { runId, entryId: 'best', datasetId: trainOnly.id }, nodeDecode))
      .rejects.toMatchObject({ code: 'no_val_images', message: expect.stringContaining('"train only"') });
    await expect(validateStoredCheckpoint(db, models, { runId, entryId: 'best', datasetId: synth.id, batchSize: 0 }, nodeDecode))
      .rejects.toMatchObject({ code: 'bad_batch_size' });
    await expect(validateStoredCheckpoint(db, models, { runId, entryId: 'best', datasetId: 'gone' }, nodeDecode))
      .rejects.toMatchObject({ code: 'not_found' });
  });
});

function synthItem() {
  const img = synthValImage(0);
  return { path: img.path, bytes: img.bytes, width: 256, height: 256, labels: img.labels, type: 'image/jpeg' };
}
