// Try it, as the worker runs it: the reference's upstream-trained synth best.pt stored as a run, tried on synth val
// images given as a file or as a stored dataset image. The UI filters the conf-0.001 result by confidence; that
// must be exactly what upstream detect.py's NMS at that confidence gives.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { decodeImage } from '../../test/nodeData';
import { xywhnToXyxy } from '../core/data/boxes';
import { detectImage } from '../core/detect';
import { boxIou } from '../core/metrics';
import { loadWeights } from '../core/weights';
import { detectionsAbove, TRY_IT_CONF_FLOOR, type TryItImage } from '../protocol/checkpointTools';
import type { DatasetManifest, StudioDb } from '../storage';
import { freshDb } from '../storage/testing';
import { CheckpointModelCache } from './checkpointModels';
import { nodeDecode, storeSynthRun, storeSynthVal, SYNTH_BEST, SYNTH_NAMES, synthValImage } from './checkpointTesting';
import { runTryIt } from './tryIt';

const fileImage = (i: number): TryItImage => {
  const img = synthValImage(i);
  return { kind: 'file', file: new Blob([img.bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), name: `val_${i}.jpg` };
};

describe('runTryIt', () => {
  let db: StudioDb;
  let runId: string;
  let dataset: DatasetManifest;
  let models: CheckpointModelCache;
  beforeAll(async () => {
    await useBackend('wasm');
    db = freshDb().db;
    runId = await storeSynthRun(db);
    dataset = await storeSynthVal(db, 2);
    models = new CheckpointModelCache(db);
  });

  it('answers with the image size, the run\'s inference size, names and every detection above the floor', async () => {
    const r = await runTryIt(db, models, { runId, entryId: 'best', image: fileImage(0), iouThres: 0.45 }, nodeDecode);
    expect(r.checkpoint).toMatchObject({ runId, entryId: 'best', runName: 'synth e100', fileName: 'best.pt', epoch: -1, nc: 3 });
    expect(r.names).toEqual(SYNTH_NAMES);
    expect([r.width, r.height, r.imgsz]).toEqual([256, 256, 256]);
    expect(r.inputHW).toEqual([256, 256]);
    expect(r.iouThres).toBe(0.45);
    const conf = Array.from({ length: r.dets.length / 6 }, (_, i) => r.dets[i * 6 + 4]);
    expect(conf.length).toBeGreaterThan(0);
    expect(conf.every((c) => c > Math.fround(TRY_IT_CONF_FLOOR))).toBe(true);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
  });

  it('filtering by confidence on the UI side equals detect.py\'s NMS at that confidence, bit for bit', async () => {
    const { model } = loadWeights(SYNTH_BEST, 'best.pt');
    try {
      for (const i of [0, 1]) {
        const img = await decodeImage(synthValImage(i).bytes, `val_${i}.jpg`);
        const r = await runTryIt(db, models, { runId, entryId: 'best', image: fileImage(i), iouThres: 0.45 }, nodeDecode);
        for (const conf of [0.25, 0.5, 0.05]) {
          const direct = (await detectImage(model, img, { imgsz: 256, confThres: conf, iouThres: 0.45 })).detections;
          const rows = Array.from(detectionsAbove(r.dets, conf));
          expect(rows).toEqual(direct.flatMap((d) => [...d.box, d.conf, d.cls]));
        }
      }
    } finally {
      model.dispose();
    }
  });

  it('the trained model finds where every labelled shape is at detect.py\'s defaults (one box each, IoU > 0.7)', async () => {
    const r = await runTryIt(db, models, { runId, entryId: 'best', image: fileImage(0), iouThres: 0.45 }, nodeDecode);
    const shown = detectionsAbove(r.dets, 0.25);
    const { labels } = synthValImage(0);
    const truth = xywhnToXyxy({ data: Float32Array.from(labels), stride: 5, offset: 1 }, 256, 256);
    expect(shown.length / 6).toBe(labels.length / 5);
    // Class-agnostic: this 100-epoch nano model still calls some rectangles circles (its val mAP50 is ~0.6).
    for (let t = 0; t < labels.length / 5; t++) {
      const ious = Array.from({ length: shown.length / 6 }, (_, k) => boxIou(truth.subarray(t * 5 + 1, t * 5 + 5), shown.subarray(k * 6, k * 6 + 4))[0]);
      expect(Math.max(...ious)).toBeGreaterThan(0.7);
    }
  });

  it('a stored dataset image gives what the same file gives; a new IoU threshold is applied', async () => {
    const ref = dataset.splits.val[1];
    const fromDataset = await runTryIt(db, models, {
      runId, entryId: 'best', image: { kind: 'dataset', datasetId: dataset.id, key: ref.key, path: ref.path }, iouThres: 0.45,
    }, nodeDecode);
    const fromFile = await runTryIt(db, models, { runId, entryId: 'best', image: fileImage(1), iouThres: 0.45 }, nodeDecode);
    expect(Array.from(fromDataset.dets)).toEqual(Array.from(fromFile.dets));
    const loose = await runTryIt(db, models, { runId, entryId: 'best', image: fileImage(1), iouThres: 0.95 }, nodeDecode);
    expect(loose.iouThres).toBe(0.95);
    // Boxes that overlap the top box by more than 0.45 but less than 0.95 survive only the looser NMS.
    expect(loose.dets.length).toBeGreaterThan(fromFile.dets.length);
  });

  it('leaves no tensor behind: a second request on the cached model keeps tf.memory() unchanged', async () => {
    const req = { runId, entryId: 'best', image: fileImage(0), iouThres: 0.45 };
    await runTryIt(db, models, req, nodeDecode); // burn-in: the model is loaded and cached
    const before = tf.memory().numTensors;
    await runTryIt(db, models, { ...req, iouThres: 0.6, imgsz: 128 }, nodeDecode);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bad requests fail with their codes: IoU out of range, a missing checkpoint, an undecodable file', async () => {
    await expect(runTryIt(db, models, { runId, entryId: 'best', image: fileImage(0), iouThres: 1.5 }, nodeDecode))
      .rejects.toMatchObject({ code: 'METRICS_THRESHOLD' });
    await expect(runTryIt(db, models, { runId, entryId: 'epoch-3', image: fileImage(0), iouThres: 0.45 }, nodeDecode))
      .rejects.toMatchObject({ code: 'not_found' });
    const junk: TryItImage = { kind: 'file', file: new Blob([new Uint8Array(64)]), name: 'junk.jpg' };
    await expect(runTryIt(db, models, { runId, entryId: 'best', image: junk, iouThres: 0.45 }, nodeDecode))
      .rejects.toMatchObject({ message: expect.stringContaining('junk.jpg') });
  });
});
