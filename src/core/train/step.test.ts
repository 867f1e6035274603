import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../test/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaleHyp, type LossHyp } from '../loss';
import { buildModel, modelConfig } from '../model';
import { createRng } from '../rng';
import { plainSgd, trainStep } from './step';

const HYP: LossHyp = scaleHyp({
  box: 0.05, cls: 0.5, obj: 1.0, cls_pw: 1.0, obj_pw: 1.0, anchor_t: 4.0, fl_gamma: 0.0, label_smoothing: 0.0,
}, { nc: 3, imgsz: 64, nl: 3 });

function batch(seed: number) {
  const rng = createRng(seed);
  const images = tf.tensor4d(Float32Array.from({ length: 2 * 64 * 64 * 3 }, () => rng.next()), [2, 64, 64, 3]);
  const rows: number[] = [];
  for (let i = 0; i < 2; i++) for (let k = 0; k < 3; k++) {
    rows.push(i, rng.int(3), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.1, 0.4), rng.uniform(0.1, 0.4));
  }
  return { images, targets: Float32Array.from(rows) };
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('trainStep (yolov5n, 64 px, batch 2)', () => {
  it('updates weights and BN running stats, and lowers the loss on a repeated batch', async () => {
    const model = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 1 });
    const b = batch(2);
    const w0 = (await model.stateDict()).get('model.24.m.0.weight')!.data;
    const first = await trainStep(model, b, HYP, plainSgd(0.01)).data();
    const sd = await model.stateDict();
    expect(sd.get('model.0.bn.num_batches_tracked')!.data[0]).toBe(2);
    expect(Array.from(sd.get('model.0.bn.running_var')!.data).every((v) => v !== 0.9)).toBe(true);
    expect(sd.get('model.24.m.0.weight')!.data).not.toEqual(w0);
    let last = first;
    for (let i = 0; i < 4; i++) last = await trainStep(model, b, HYP, plainSgd(0.01)).data();
    const sum = (a: ArrayLike<number>) => a[0] + a[1] + a[2];
    expect(sum(last)).toBeLessThan(sum(first));
    tf.dispose(b.images);
    model.dispose();
  });

  it('leaks no tensors: numTensors after step 3 equals after step 1', () => {
    const model = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 1 });
    const b = batch(3);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      trainStep(model, b, HYP, plainSgd(0.01)).dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(counts[2]).toBe(counts[0]);
    expect(counts[1]).toBe(counts[0]);
    tf.dispose(b.images);
    model.dispose();
  });
});
