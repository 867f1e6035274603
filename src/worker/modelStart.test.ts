// A 'start' message as the Model panel sends it, through the worker's TrainSession: weights from a stored checkpoint
// (run id + entry id, read from IndexedDB by the worker) and a custom model yaml, which the run record keeps. The
// sessions are stopped before their first batch: everything up to the training loop runs, no step does.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../test/backend';
import { decodeImage, itemsForTests } from '../../test/nodeData';
import { REF_DIR } from '../../test/refs';
import { tinyDataset } from '../../test/tinyDataset';
import { hypPreset } from '../core/config/hyps';
import { modelConfig } from '../core/model';
import type { FromWorker, TrainConfig } from '../protocol/messages';
import { getRun, type DatasetManifest, type StudioDb } from '../storage';
import { freshDb } from '../storage/testing';
import type { BackendHolder } from './backendChoice';
import { readTrainData } from './datasetReader';
import { importDroppedRun } from './importRun';
import { TrainSession, type StartMessage } from './trainSession';

// The stored dataset's images are decoded by the browser in the worker; Node decodes the same files from disk.
vi.mock('./datasetReader', () => ({ readTrainData: vi.fn() }));

const BEST = new Uint8Array(readFileSync(resolve(REF_DIR, 'upstream_synth_e100_best.pt')));
const BACKENDS = { ensure: async () => ({ type: 'ready', backend: 'cpu' }) } as unknown as BackendHolder;

const CONFIG: TrainConfig = {
  model: 'yolov5n', hyp: hypPreset('scratch-low'), hypPreset: 'scratch-low',
  options: {
    epochs: 1, batch_size: 2, imgsz: 64, optimizer: 'SGD', cos_lr: false, rect: false, multi_scale: false, single_cls: false,
    label_smoothing: 0, patience: 100, save_period: -1, image_weights: false, cache: null, seed: 0, noval: true, noautoanchor: true, freeze: [0],
  },
};

/** yolov5n.yaml with another depth: C3 blocks get more repeats, so only part of a yolov5n checkpoint fits. */
function deeperYaml(): string {
  const { name: _name, ...cfg } = modelConfig('yolov5n');
  return stringify({ ...cfg, depth_multiple: 0.67 });
}

/** Runs one session to its end, stopped before the first batch; returns what it posted. */
async function startStopped(db: StudioDb, msg: Omit<StartMessage, 'type' | 'name' | 'datasetId' | 'backend'>): Promise<FromWorker[]> {
  const posted: FromWorker[] = [];
  const session = new TrainSession(msg.runId, db, (m) => posted.push(m));
  session.stop();
  await session.run({ type: 'start', name: `run ${msg.runId}`, datasetId: 'tiny', backend: 'cpu', ...msg }, BACKENDS);
  return posted;
}

const logs = (posted: FromWorker[]) => posted.flatMap((m) => (m.type === 'log' ? [m.text] : []));

beforeAll(async () => {
  await useBackend('cpu');
  const yaml = tinyDataset(mkdtempSync(join(tmpdir(), 'ys-modelstart-')));
  const data = {
    names: ['rectangle', 'circle', 'triangle'], train: await itemsForTests(yaml, 'train'), val: await itemsForTests(yaml, 'val'),
    decode: (file: string) => decodeImage(file),
  };
  vi.mocked(readTrainData).mockResolvedValue({ data, manifest: { name: 'tiny' } as DatasetManifest });
});

async function storedBest(db: StudioDb): Promise<{ runId: string; entryId: string }> {
  const file = new File([BEST as Uint8Array<ArrayBuffer>], 'best.pt');
  return { runId: (await importDroppedRun(db, { files: [{ path: 'best.pt', file }], name: 'synth e100 (cluster)' })).runId, entryId: 'best' };
}

describe("TrainSession 'start' with a stored checkpoint and a custom yaml", () => {
  it('weightsRef: the worker reads the stored best.pt and transfers all of it; the run records where the weights came from', async () => {
    const { db } = freshDb();
    const ref = await storedBest(db);
    const config: TrainConfig = { ...CONFIG, weightsName: 'best.pt', weightsFrom: { ...ref, runName: 'synth e100 (cluster)' } };
    const posted = await startStopped(db, { runId: 'ft1', config, weightsRef: ref });
    expect(logs(posted)).toContain('Transferred 349/349 items from best.pt');
    // No yaml of its own: the checkpoint's architecture, no nc override line.
    expect(logs(posted).some((l) => l.startsWith('Overriding model.yaml'))).toBe(false);
    expect(posted.at(-1)).toMatchObject({ type: 'done', status: 'stopped', epochsRun: 0 });
    const record = await getRun(db, 'ft1');
    expect(record.config).toEqual(config);
    expect(record.status).toBe('stopped');
  });

  it('cfgYaml beside a stored checkpoint: the yaml is built (nc overridden, as upstream logs it), the matching part transferred', async () => {
    const { db } = freshDb();
    const ref = await storedBest(db);
    const config: TrainConfig = { ...CONFIG, cfgYaml: deeperYaml(), cfgName: 'deeper.yaml', weightsName: 'best.pt', weightsFrom: { ...ref, runName: 'x' } };
    const posted = await startStopped(db, { runId: 'ft2', config, weightsRef: ref });
    expect(logs(posted)).toContain('Overriding model.yaml nc=80 with nc=3');
    const line = logs(posted).find((l) => l.startsWith('Transferred '));
    const [, n, m] = /^Transferred (\d+)\/(\d+) items from best\.pt$/.exec(line ?? '') ?? [];
    // Every key of the deeper model that yolov5n also has fits except the anchors (a new cfg keeps its own).
    expect(Number(m)).toBeGreaterThan(349);
    expect(Number(n)).toBe(348);
    expect((await getRun(db, 'ft2')).config).toMatchObject({ cfgYaml: config.cfgYaml, cfgName: 'deeper.yaml' });
  });

  it('cfgYaml from scratch: stored with the run; a bad one fails with its line before any run is recorded', async () => {
    const { db } = freshDb();
    const config: TrainConfig = { ...CONFIG, cfgYaml: deeperYaml(), cfgName: 'deeper.yaml' };
    const posted = await startStopped(db, { runId: 'scratch1', config });
    expect(logs(posted)).toContain('Overriding model.yaml nc=80 with nc=3');
    expect(logs(posted).some((l) => l.startsWith('Transferred'))).toBe(false);
    expect((await getRun(db, 'scratch1')).config).toMatchObject({ cfgYaml: config.cfgYaml });

    const bad: TrainConfig = { ...CONFIG, cfgYaml: 'nc: 3\nanchors: 3\nbackbone: [[-1, 1, Conv, [16, 3]]\nhead: []\n', cfgName: 'bad' };
    await expect(startStopped(db, { runId: 'bad1', config: bad })).rejects.toMatchObject({ name: 'ModelConfigError', code: 'yaml_syntax' });
    await expect(startStopped(db, { runId: 'bad1', config: bad })).rejects.toThrowError(/^bad\.yaml:\d+: /);
    await expect(getRun(db, 'bad1')).rejects.toMatchObject({ code: 'not_found' });
  });
});
