// Starting weights from a stored checkpoint: the worker reads it from IndexedDB (here the reference's upstream-trained
// best.pt, stored as a cluster run), the panel learns its classes, training setup transfers it exactly, and the
// cluster bundle ships it together with a custom model yaml that --cfg points at.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useBackend } from '../../test/backend';
import { itemsForTests } from '../../test/nodeData';
import { REF_DIR } from '../../test/refs';
import { tinyDataset } from '../../test/tinyDataset';
import { unpack } from '../core/bundle/testing';
import { writeBundle } from '../core/bundle/writer';
import { hypPreset } from '../core/config/hyps';
import { validateTrainOptions } from '../core/config/trainOptions';
import { ModelConfigError } from '../core/errors';
import { readCheckpoint as readPt } from '../core/io';
import { setupTraining } from '../core/train/setup';
import type { TrainConfig } from '../protocol/messages';
import { importDataset, type StudioDb } from '../storage';
import { fakeItem, freshDb } from '../storage/testing';
import { bundleInput, type BundleMessage } from './bundle';
import { importDroppedRun } from './importRun';
import { inspectWeights, startWeights, StartWeightsError } from './startWeights';

const BEST = new Uint8Array(readFileSync(resolve(REF_DIR, 'upstream_synth_e100_best.pt')));
const NAMES = ['rectangle', 'circle', 'triangle'];

/** The reference best.pt stored as an imported cluster run; returns its run id. */
async function storeBest(db: StudioDb): Promise<string> {
  const file = new File([BEST as Uint8Array<ArrayBuffer>], 'best.pt');
  return (await importDroppedRun(db, { files: [{ path: 'best.pt', file }], name: 'synth e100' })).runId;
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('inspectWeights', () => {
  it("a stored checkpoint's classes, yaml and epoch, read by run id and entry id", async () => {
    const { db } = freshDb();
    const runId = await storeBest(db);
    const info = await inspectWeights(db, { weightsRef: { runId, entryId: 'best' } });
    const pt = readPt(BEST, 'best.pt');
    expect(info).toMatchObject({ fileName: 'best.pt', names: NAMES, nc: 3, epoch: -1 });
    expect(info.yamlFile).toBe(pt.model!.yamlFile ?? '');
    expect(info.parameters).toBe([...pt.model!.parameterNames].reduce((n, k) => n + pt.model!.stateDict.get(k)!.shape.reduce((a, b) => a * b, 1), 0));
    // A dropped File is read the same way.
    expect(await inspectWeights(db, { weights: new File([BEST as Uint8Array<ArrayBuffer>], 'mine.pt') })).toMatchObject({ fileName: 'mine.pt', nc: 3 });
  });

  it('a missing checkpoint fails with storage not_found; no source at all with no_weights', async () => {
    const { db } = freshDb();
    const runId = await storeBest(db);
    await expect(inspectWeights(db, { weightsRef: { runId, entryId: 'last' } })).rejects.toMatchObject({ code: 'not_found' });
    await expect(inspectWeights(db, {})).rejects.toBeInstanceOf(StartWeightsError);
  });
});

describe('transfer learning from a stored checkpoint', () => {
  it("setup after 0 steps: every tensor transferred ('Transferred 349/349 items from best.pt'), first conv equal to the checkpoint's", async () => {
    const { db } = freshDb();
    const runId = await storeBest(db);
    const weights = await startWeights(db, { weightsRef: { runId, entryId: 'best' } });
    expect(weights?.fileName).toBe('best.pt');
    const yaml = tinyDataset(mkdtempSync(join(tmpdir(), 'ys-startw-')));
    const { options } = validateTrainOptions({ data: yaml, weights: 'best.pt', cfg: '', imgsz: 64, batch_size: 2, noautoanchor: true });
    const data = { names: NAMES, train: await itemsForTests(yaml, 'train'), val: await itemsForTests(yaml, 'val'), decode: () => Promise.reject(new Error('not decoded')) };
    const s = setupTraining({ options, hyp: hypPreset('scratch-low'), data, weights });
    try {
      expect(s.logs).toContain('Transferred 349/349 items from best.pt');
      const sd = await s.model.stateDict();
      const ref = readPt(BEST, 'best.pt').model!.stateDict;
      for (const key of ['model.0.conv.weight', 'model.0.bn.running_var', 'model.24.m.2.weight']) {
        expect(Array.from(sd.get(key)!.data), key).toEqual(Array.from(ref.get(key)!.data));
      }
    } finally {
      s.model.dispose();
      s.ema.dispose();
      s.optimizer.dispose();
    }
  });
});

describe('cluster bundle with a custom yaml and a stored checkpoint', () => {
  // A P5 model of plain strided convs: Detect on layers 2, 3, 4 (strides 8, 16, 32).
  const CUSTOM = 'nc: 80\ndepth_multiple: 0.33\nwidth_multiple: 0.125\nanchors:\n  - [10,13, 16,30, 33,23]\n  - [30,61, 62,45, 59,119]\n' +
    '  - [116,90, 156,198, 373,326]\nbackbone:\n  [[-1, 1, Conv, [64, 6, 2, 2]], [-1, 1, Conv, [128, 3, 2]], [-1, 1, Conv, [256, 3, 2]],\n' +
    '   [-1, 1, Conv, [512, 3, 2]], [-1, 1, Conv, [1024, 3, 2]]]\nhead:\n  [[[2, 3, 4], 1, Detect, [nc, anchors]]]\n';

  async function message(db: StudioDb, cfgYaml: string): Promise<BundleMessage> {
    const runId = await storeBest(db);
    const items = Array.from({ length: 10 }, (_, i) => fakeItem(i));
    const datasetId = (await importDataset(db, items, { name: 'fake', names: ['a', 'b', 'c', 'd'] })).id;
    const config: TrainConfig = {
      model: 'yolov5n', hyp: hypPreset('scratch-low'), hypPreset: 'scratch-low',
      options: {
        epochs: 3, batch_size: 4, imgsz: 64, optimizer: 'SGD', cos_lr: false, rect: false, multi_scale: false, single_cls: false,
        label_smoothing: 0, patience: 100, save_period: -1, image_weights: false, cache: null, seed: 0, noval: false, noautoanchor: false, freeze: [0],
      },
      weightsName: 'best.pt', weightsFrom: { runId, entryId: 'best', runName: 'synth e100' }, cfgYaml, cfgName: 'tiny-p5.yaml',
    };
    return { type: 'bundle', id: 1, datasetId, config, weightsRef: { runId, entryId: 'best' }, name: 'ft', fileName: 'ft.zip' };
  }

  it('ships the yaml as given and the stored best.pt; --cfg and --weights point at them in the commands and opt.yaml', async () => {
    const { db } = freshDb();
    const files = await unpack(writeBundle(await bundleInput(db, await message(db, CUSTOM))));
    expect(new TextDecoder().decode(files.get('ft/tiny-p5.yaml'))).toBe(CUSTOM);
    expect(Buffer.from(files.get('ft/best.pt')!).equals(BEST)).toBe(true); // toEqual on 4 MB would take a minute
    const opt = parse(new TextDecoder().decode(files.get('ft/opt.yaml')));
    expect(opt.cfg).toBe('../ft/tiny-p5.yaml');
    expect(opt.weights).toBe('../ft/best.pt');
    expect(new TextDecoder().decode(files.get('ft/README.md'))).toContain('--weights ../ft/best.pt --cfg ../ft/tiny-p5.yaml');
  });

  it('a yaml upstream would refuse fails before the download, with its line', async () => {
    const { db } = freshDb();
    const bad = CUSTOM.replace('width_multiple: 0.125', 'width_multiple: [0.125');
    await expect(bundleInput(db, await message(db, bad))).rejects.toSatisfy(
      (e) => e instanceof ModelConfigError && e.code === 'yaml_syntax' && /^tiny-p5\.yaml:\d+: /.test(e.message),
    );
  });
});
