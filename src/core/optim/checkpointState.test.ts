// The optimizer state through real .pt files: upstream's train.py checkpoint loads into our SGD, and our state
// survives the checkpoint writer and reader (what resume does).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { REF_DIR } from '../../../test/refs';
import { readCheckpoint, writeCheckpoint, type OptimizerState, type StateTensor } from '../io';
import { buildModel, modelConfig, type YoloModel } from '../model';
import { Adam } from './adam';
import { buildParamGroups, nominalBatch } from './paramGroups';
import { SGD } from './sgd';

let model: YoloModel;

beforeAll(async () => {
  await useBackend('cpu');
  model = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 0 });
});

afterAll(() => model.dispose());

const groupsFor = (m: YoloModel) => buildParamGroups(m.entries, { lr0: 0.01, momentum: 0.937, weight_decay: nominalBatch(16, 0.0005).weightDecay });

/** Deep equality with typed arrays compared as bytes (vitest's element-wise toEqual takes seconds on 1.8M floats). */
function expectSameState(a: OptimizerState, b: OptimizerState): void {
  expect(a.param_groups).toEqual(b.param_groups);
  expect([...a.state.keys()]).toEqual([...b.state.keys()]);
  for (const [idx, rec] of a.state) {
    const other = b.state.get(idx)!;
    expect(Object.keys(rec)).toEqual(Object.keys(other));
    for (const [k, v] of Object.entries(rec)) {
      const w = other[k] as StateTensor;
      const t = v as StateTensor;
      expect([t.shape, t.dtype], `${idx}.${k}`).toEqual([w.shape, w.dtype]);
      expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)), `${idx}.${k}`).toBe(true);
    }
  }
}

/** A gradient for every trainable variable: small, different per element. */
function fakeGrads(m: YoloModel, scale: number): Map<tf.Variable, tf.Tensor> {
  return new Map(m.trainableVariables().map((v, i) => [v, tf.tidy(() => tf.mul(tf.sin(tf.add(tf.range(0, v.size).reshape(v.shape), i)), scale))]));
}

describe('optimizer state in checkpoints', () => {
  it('loads the optimizer of upstream\'s train.py checkpoint (3 groups, 60/60/57, no state yet)', () => {
    const c = readCheckpoint(new Uint8Array(readFileSync(path.join(REF_DIR, 'ckpt_trainpy_format.pt'))), 'ckpt_trainpy_format.pt');
    const groups = groupsFor(model);
    groups.forEach((g) => { g.lr = 1; g.momentum = 0.5; });
    const opt = new SGD(groups);
    opt.loadState(c.optimizer!, c.fileName);
    expect(groups.map((g) => [g.lr, g.momentum, g.weight_decay])).toEqual([[0.01, 0.937, 0], [0.01, 0.937, 0.0005], [0.01, 0.937, 0]]);
    opt.dispose();
  });

  it.each(['SGD', 'Adam'] as const)('%s: state -> .pt -> state is lossless, and a mismatched model is refused', async (name) => {
    const groups = groupsFor(model);
    const opt = name === 'SGD' ? new SGD(groups) : new Adam(groups);
    const saved = model.entries.filter((e) => e.variable).map((e) => tf.clone(e.variable!));
    for (const scale of [1e-3, 2e-3]) {
      const g = fakeGrads(model, scale);
      opt.step(g);
      tf.dispose([...g.values()]);
    }
    const state = await opt.state();
    expect(state.state.size).toBe(177);
    const bytes = writeCheckpoint({ epoch: 0, best_fitness: 0, model: null, optimizer: state, updates: 2 });
    const back = readCheckpoint(bytes, 'last.pt').optimizer!;
    const other = name === 'SGD' ? new SGD(groupsFor(model)) : new Adam(groupsFor(model));
    other.loadState(back, 'last.pt');
    expectSameState(await other.state(), state);

    const small = buildModel(modelConfig('yolov5n'), { nc: 1, seed: 0 });
    const wrong = new SGD(groupsFor(small));
    // Same group sizes but the Detect layer's shapes differ (nc 1 vs 3): the buffers do not fit.
    if (name === 'SGD') expect(() => wrong.loadState(back, 'last.pt')).toThrow(/last\.pt: optimizer state 'momentum_buffer' of 'model\.24\.m\.0\.bias' has shape \[24\] but the parameter is \[18\]/);
    else expect(() => wrong.loadState(back, 'last.pt')).toThrow(/has 'step', which SGD does not keep/);
    small.dispose();
    wrong.dispose();
    other.dispose();
    opt.dispose();
    // put the shared model back as it was
    model.entries.filter((e) => e.variable).forEach((e, i) => e.variable!.assign(saved[i]));
    tf.dispose(saved);
  });
});
