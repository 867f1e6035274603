// A model built from a seed starts from exactly the weights upstream's Model() draws after torch.manual_seed(seed)
// (reference/yolov5n_nc3_seed0_state_dict: Model('yolov5n.yaml', nc=3) right after construction with seed 0).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRefStateDict } from '../../../test/refs';
import { TorchGenerator } from '../torchGenerator';
import { buildModel, modelConfig } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('scratch initialisation', () => {
  it('seed 0 gives upstream yolov5n (nc=3) bit for bit: every weight, bias, BN buffer and anchor', async () => {
    const ref = readRefStateDict('yolov5n_nc3_seed0_state_dict');
    const model = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 0 });
    try {
      const sd = await model.stateDict();
      expect([...sd.keys()]).toEqual([...ref.keys()]);
      const differing = [...ref].filter(([name, r]) => {
        const o = sd.get(name)!.data;
        return o.length !== r.data.length || o.some((v, i) => !Object.is(v, r.data[i]));
      }).map(([name]) => name);
      expect(differing).toEqual([]);
    } finally {
      model.dispose();
    }
  });

  it('another seed gives other weights from the same distribution', async () => {
    const a = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 0 });
    const b = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 1 });
    try {
      const wa = (await a.stateDict()).get('model.8.cv1.conv.weight')!.data;
      const wb = (await b.stateDict()).get('model.8.cv1.conv.weight')!.data;
      expect(wa.some((v, i) => v !== wb[i])).toBe(true);
      const bound = 1 / Math.sqrt(256);
      for (const w of [wa, wb]) expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('TorchGenerator', () => {
  it('is the standard MT19937 (the 10000th output for the default seed 5489 is 4123659995)', () => {
    const g = new TorchGenerator(5489);
    let v = 0;
    for (let i = 0; i < 10000; i++) v = g.random();
    expect(v).toBe(4123659995);
  });

  it('uniform_ keeps 24 bits of a draw and stays inside [from, to)', () => {
    const g = new TorchGenerator(3);
    const out = new Float32Array(10000);
    g.uniform(out, -0.25, 0.25);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(-0.25);
    expect(Math.max(...out)).toBeLessThan(0.25);
    // Each value is -0.25 + k * 0.5 / 2^24 for an integer k.
    expect(out.every((v) => Number.isInteger((v + 0.25) * 2 ** 25))).toBe(true);
  });
});
