// The training loop end to end on a tiny slice of the synthetic set: resume exactness, no tensor leaks, the run
// directory upstream writes, and the refusals of bad input.
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { tinyDataset } from '../../test/tinyDataset';
import { hypPreset, type Hyp } from '../core/config/hyps';
import { validateTrainOptions, type TrainOptions } from '../core/config/trainOptions';
import { readCheckpoint } from '../core/io';
import { TorchTensor } from '../core/io/pyvalues';
import { modelConfig } from '../core/model';
import { train } from '../core/train';
import type { TrainEvent, TrainInputs } from '../core/train/types';
import { loadSplit } from './dataset';
import { decodeImage } from './image';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'ys-train-'));

const DATA = tinyDataset(tmp);

async function inputs(over: Partial<TrainOptions>, extra: Partial<TrainInputs> = {}, hyp: Hyp = hypPreset('scratch-low')): Promise<TrainInputs> {
  const tr = await loadSplit(DATA, 'train');
  const va = await loadSplit(DATA, 'val');
  const { options } = validateTrainOptions({ data: DATA, weights: '', cfg: 'yolov5n', imgsz: 64, batch_size: 2, noval: true, ...over });
  return {
    options, hyp, cfg: modelConfig('yolov5n'),
    data: { names: tr.data.names, train: tr.items, val: va.items, decode: (f) => decodeImage(f) },
    ...extra,
  };
}

async function collect(events: AsyncGenerator<TrainEvent>): Promise<TrainEvent[]> {
  const out: TrainEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

const lastUnstripped = (evs: TrainEvent[]) =>
  evs.filter((e): e is Extract<TrainEvent, { type: 'checkpoint' }> => e.type === 'checkpoint' && e.kind === 'last' && e.epoch >= 0).pop()!;

beforeAll(async () => {
  await useBackend('wasm');
});

describe('train loop', () => {
  // On wasm rather than cpu: the same check, bit for bit (Node's wasm runs single-threaded, so it is deterministic),
  // in ~20 s where the cpu backend needs several minutes for these 12 yolov5n steps on this machine.
  it('2 epochs straight equal 1 epoch + resume + 1 epoch, bit for bit (wasm runs single-threaded: deterministic)', async () => {
    const straight = await collect(train(await inputs({ epochs: 2 })));
    const first = await collect(train(await inputs({ epochs: 2 }, {}, hypPreset('scratch-low')).then((i) => ({ ...i, control: stopAfterEpoch(1) }))));
    const resumeFrom = lastUnstripped(first);
    expect(resumeFrom.epoch).toBe(0);
    const second = await collect(train(await inputs({ epochs: 2 }, { resume: true, weights: { bytes: resumeFrom.bytes, fileName: 'last.pt' } })));
    const a = readCheckpoint(lastUnstripped(straight).bytes, 'a.pt');
    const b = readCheckpoint(lastUnstripped(second).bytes, 'b.pt');
    expect(b.epoch).toBe(1);
    // Saved after scheduler.step(), as upstream: initial_lr * lf(epoch) in every group (lf(0) = 1, lf(1) = 0.505).
    const lrs = (c: typeof a) => c.optimizer!.param_groups.map((g) => g.lr as number);
    expect(lrs(readCheckpoint(resumeFrom.bytes, 'r.pt'))).toEqual([0.01, 0.01, 0.01]);
    for (const v of lrs(a)) expect(v).toBeCloseTo(0.00505, 12);
    expect(b.updates).toBe(a.updates);
    const fp32 = (c: typeof a) => c.extra.get('yolo_studio') as Map<string, unknown>;
    const bits = (c: typeof a, k: string) => Buffer.from((fp32(c).get(k) as TorchTensor).storage.bytes);
    expect(bits(b, 'model_fp32').equals(bits(a, 'model_fp32'))).toBe(true);
    expect(bits(b, 'ema_fp32').equals(bits(a, 'ema_fp32'))).toBe(true);
    const rows = (evs: TrainEvent[]) => evs.filter((e) => e.type === 'epoch').map((e) => (e as Extract<TrainEvent, { type: 'epoch' }>).row);
    expect(rows(second)[0]).toEqual(rows(straight)[1]);
  });

  it('leaves no tensors behind, and the per-epoch count is stable', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    for await (const ev of train(await inputs({ epochs: 3 }))) if (ev.type === 'epoch') counts.push(tf.memory().numTensors);
    expect(tf.memory().numTensors).toBe(before);
    expect(counts[2]).toBe(counts[1]);
  });

  it('a loss that becomes NaN or infinite stops the run with a clear error and leaks nothing', async () => {
    const hyp = { ...hypPreset('scratch-low'), lr0: 1e30, warmup_bias_lr: 1e30 };
    const before = tf.memory().numTensors;
    const seen: TrainEvent[] = [];
    const run = async () => {
      for await (const ev of train(await inputs({ epochs: 3 }, {}, hyp))) seen.push(ev);
    };
    await expect(run()).rejects.toThrow(/loss became .*NaN|loss became .*Infinity/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad input with specific errors', async () => {
    const before = tf.memory().numTensors;
    await expect(collect(train(await inputs({ batch_size: 7 })))).rejects.toThrow(/batch size 7 is larger than the 6 train images/);
    await expect(collect(train(await inputs({ freeze: [30] })))).rejects.toThrow(/freeze 30 .* the model has 25/);
    const i = await inputs({});
    i.data.train = [];
    await expect(collect(train(i))).rejects.toThrow(/no usable train images/);
    const j = await inputs({});
    j.data.names = ['only'];
    await expect(collect(train(j))).rejects.toThrow(/Label class 2 exceeds nc=1/);
    const k = await inputs({}, { resume: true, weights: { bytes: new TextEncoder().encode('not a checkpoint'), fileName: 'bad.pt' } });
    await expect(collect(train(k))).rejects.toThrow(/bad\.pt/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('yolo-studio train', () => {
  it('writes runs/train/exp/{weights/last.pt,weights/best.pt,results.csv,hyp.yaml,opt.yaml} as upstream', async () => {
    const project = join(tmp, 'runs');
    const { stdout } = await run('node', ['bin/yolo-studio.js', 'train', '--cfg', 'yolov5n.yaml', '--data', DATA, '--img', '64',
      '--batch-size', '2', '--epochs', '1', '--project', project], { encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(stdout).toMatch(/hyperparameters: lr0=0.01, lrf=0.01, momentum=0.937/);
    expect(stdout).toMatch(/Starting training for 1 epochs/);
    for (const f of ['weights/last.pt', 'weights/best.pt', 'results.csv', 'hyp.yaml', 'opt.yaml']) expect(existsSync(join(project, 'exp', f)), f).toBe(true);
    const best = readCheckpoint(new Uint8Array(readFileSync(join(project, 'exp/weights/best.pt'))), 'best.pt');
    expect(best.kind).toBe('stripped');
    expect(best.epoch).toBe(-1);
    expect(readFileSync(join(project, 'exp/results.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

/** A control hook that stops the run once `epochs` epochs are done (a user pressing Stop). */
function stopAfterEpoch(epochs: number): () => 'go' | 'stop' {
  let batches = 0;
  return () => (batches++ >= epochs * 3 ? 'stop' : 'go');
}
