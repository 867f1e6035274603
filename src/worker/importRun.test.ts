// The round trip through the cluster: a stored dataset goes out as a bundle (the worker's stream), "upstream trains
// it" (the reference's real 100-epoch synth run: its stripped best.pt and results.csv), and the dropped files come
// back as a run with its metrics, checkpoints, settings and dataset.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REF_DIR, SHARED_DIR } from '../../test/refs';
import { unpack } from '../core/bundle/testing';
import { hypPreset } from '../core/config/hyps';
import { parseLabels } from '../core/data/labels';
import { readCheckpoint as readPt } from '../core/io';
import { fromStoredRow } from '../protocol/metrics';
import type { TrainConfig } from '../protocol/messages';
import { getManifest, getRun, importDataset, listCheckpoints, readCheckpoint, readEpochMetrics, readImage, type ImportItem, type StudioDb } from '../storage';
import { freshDb } from '../storage/testing';
import { openBundle, type BundleMessage } from './bundle';
import { importDroppedRun } from './importRun';

const synth = (p: string) => resolve(SHARED_DIR, 'datasets/synth', p);
const BEST = new Uint8Array(readFileSync(resolve(REF_DIR, 'upstream_synth_e100_best.pt')));
const MIDRUN = new Uint8Array(readFileSync(resolve(REF_DIR, 'ckpt_trainpy_format.pt')));
const CSV = readFileSync(resolve(REF_DIR, 'upstream_synth_results_e100.csv'));
const dropped = (path: string, bytes: Uint8Array) => ({ path, file: new File([bytes as Uint8Array<ArrayBuffer>], path.replace(/^.*\//, '')) });

/** A stored dataset named 'synth': 8 train and 4 val images of the synthetic set. */
async function storeSynth(db: StudioDb): Promise<string> {
  const items: ImportItem[] = [];
  for (const [split, n] of [['train', 8], ['val', 4]] as const) {
    for (let i = 0; i < n; i++) {
      const stem = `${split}_${String(i).padStart(4, '0')}`;
      items.push({
        split, path: `/synth/images/${split}/${stem}.jpg`, bytes: new Uint8Array(readFileSync(synth(`images/${split}/${stem}.jpg`))),
        width: 256, height: 256, labels: parseLabels(readFileSync(synth(`labels/${split}/${stem}.txt`), 'utf8'), stem).rows,
      });
    }
  }
  return (await importDataset(db, items, { name: 'synth', names: ['rectangle', 'circle', 'triangle'] })).id;
}

const CONFIG: TrainConfig = {
  model: 'yolov5n', hyp: hypPreset('scratch-low'), hypPreset: 'scratch-low',
  options: {
    epochs: 100, batch_size: 16, imgsz: 256, optimizer: 'SGD', cos_lr: false, rect: false, multi_scale: false, single_cls: false,
    label_smoothing: 0, patience: 100, save_period: -1, image_weights: false, cache: null, seed: 0, noval: false, noautoanchor: false, freeze: [0],
  },
};

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('cluster round trip through storage', () => {
  it('stored dataset -> bundle stream -> upstream run (reference best.pt + results.csv) -> imported run with its metrics', async () => {
    const { db } = freshDb();
    const datasetId = await storeSynth(db);
    const manifest = await getManifest(db, datasetId);
    const msg: BundleMessage = { type: 'bundle', id: 1, datasetId, config: CONFIG, name: 'synth_e100', gpus: 4, fileName: 'synth.zip' };
    let progress = 0;
    const bundle = await openBundle(db, msg, (done) => (progress = done));
    expect(bundle).toMatchObject({ fileName: 'synth.zip', images: 12 });
    const files = await unpack(await readAll(bundle.stream));
    expect(progress).toBe(12);
    for (const ref of [...manifest.splits.train, ...manifest.splits.val]) {
      const rel = ref.path.replace('/synth/', 'datasets/synth/');
      expect(Buffer.from(await (await readImage(db, datasetId, ref.key)).arrayBuffer()).equals(files.get(rel)!), rel).toBe(true);
      const rows = parseLabels(new TextDecoder().decode(files.get(rel.replace('/images/', '/labels/').replace('.jpg', '.txt'))), rel).rows;
      expect(Array.from(rows), rel).toEqual(ref.labels);
    }
    const opt = parse(new TextDecoder().decode(files.get('synth/opt.yaml')));
    expect(opt).toMatchObject({ cfg: 'models/yolov5n.yaml', weights: '', data: '../datasets/synth/data.yaml', epochs: 100, batch_size: 16, imgsz: 256, name: 'synth_e100' });
    expect(new TextDecoder().decode(files.get('synth/README.md'))).toContain('python -m torch.distributed.run --nproc_per_node 4 train.py');

    // ... trained upstream; its run folder comes back
    const summary = await importDroppedRun(db, {
      files: [dropped('synth_e100/weights/best.pt', BEST), dropped('synth_e100/results.csv', CSV), dropped('synth_e100/labels.jpg', new Uint8Array(3))],
    });
    expect(summary).toMatchObject({
      name: 'synth_e100 (cluster)', datasetId, epochs: 100, status: 'done', ignored: ['synth_e100/labels.jpg'], warnings: [],
      checkpoints: [{ entryId: 'best', kind: 'best', epoch: -1, stripped: true, resumable: false }],
    });
    const record = await getRun(db, summary.runId);
    expect(record).toMatchObject({ status: 'done', datasetId, lastEpoch: 99 });
    expect(record.config).toMatchObject({ model: 'yolov5n', hyp: { lr0: 0.01, obj: 1 }, options: { epochs: 100, batch_size: 16, imgsz: 256 } });
    const rows = (await readEpochMetrics(db, summary.runId)).map(fromStoredRow);
    expect(rows).toHaveLength(100);
    expect(rows[95].metrics[3]).toBe(0.40234); // mAP50-95 at epoch 95, as upstream logged it
    expect(rows[0].train).toEqual([0.10993, 0.024709, 0.038387]);
    const [best] = await listCheckpoints(db, summary.runId);
    expect(best).toMatchObject({ id: 'best', kind: 'best', epoch: -1, meta: { source: 'upstream', fileName: 'best.pt', stripped: true, resumable: false } });
    expect(Buffer.from(await (await readCheckpoint(db, summary.runId, 'best')).blob.arrayBuffer()).equals(BEST)).toBe(true);
  });

  it('an interrupted cluster run: its unstripped last.pt is stored resumable and the run offered for resume', async () => {
    const { db } = freshDb();
    const datasetId = await storeSynth(db);
    const summary = await importDroppedRun(db, { files: [dropped('last.pt', MIDRUN), dropped('best.pt', BEST)], name: 'stopped', datasetId });
    expect(summary.status).toBe('interrupted'); // saved after epoch 0 of 10
    expect(summary.checkpoints.map((c) => [c.entryId, c.epoch, c.resumable])).toEqual([['last', 0, true], ['best', -1, false]]);
    const { entry, blob } = await readCheckpoint(db, summary.runId, 'last');
    expect(entry.epoch).toBe(0); // what the studio's resume checks (a stripped one has -1)
    const ck = readPt(new Uint8Array(await blob.arrayBuffer()), 'last.pt');
    expect(ck.optimizer).not.toBeNull();
    expect((await getRun(db, summary.runId)).config).toMatchObject({ options: { epochs: 10 } });
  });

  it('a run whose classes are not the chosen dataset\'s is refused; no match leaves it unlinked', async () => {
    const { db } = freshDb();
    const items: ImportItem[] = [0, 1].map((i) => ({
      split: i ? 'val' : 'train', path: `/o/${i}.jpg`, bytes: new Uint8Array(readFileSync(synth(`images/train/train_000${i}.jpg`))), width: 256, height: 256, labels: [],
    }));
    const other = (await importDataset(db, items, { name: 'synth', names: ['a', 'b', 'c'] })).id;
    await expect(importDroppedRun(db, { files: [dropped('best.pt', BEST)], datasetId: other })).rejects.toMatchObject({ code: 'dataset_mismatch' });
    const summary = await importDroppedRun(db, { files: [dropped('best.pt', BEST)] });
    expect(summary.datasetId).toBeNull();
    expect(summary.warnings).toContain('no stored dataset matches the run\'s data and classes: link one to validate on it or resume');
    await expect(importDroppedRun(db, { files: [] })).rejects.toMatchObject({ code: 'nothing_dropped' });
  });
});
