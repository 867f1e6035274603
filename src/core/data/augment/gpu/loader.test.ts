// TrainLoader.epochPlans + renderBatch: the batches epoch() yields, with the pixels drawn by tensor ops (synth, 256).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../../../test/backend';
import { decodeImage, itemsForTests } from '../../../../../test/nodeData';
import { hypPreset } from '../../../config';
import { TrainLoader, type PlannedTrainBatch, type TrainBatch, type TrainLoaderOptions } from '../../trainLoader';
import type { ValItem } from '../../valLoader';
import { renderBatch } from './render';

let items: ValItem[] = [];

beforeAll(async () => {
  await useBackend('wasm');
  items = await itemsForTests(path.resolve(process.cwd(), '../shared/datasets/synth/data.yaml'), 'train');
});

const options = (o: Partial<TrainLoaderOptions> = {}): TrainLoaderOptions => ({
  imgSize: 256, batchSize: 4, hyp: { ...hypPreset('scratch-low'), mixup: 0.3, flipud: 0.3 }, seed: 3, decode: (f) => decodeImage(f), cache: true, ...o,
});

async function first<T>(gen: AsyncGenerator<T>, k: number): Promise<T[]> {
  const out: T[] = [];
  for await (const b of gen) {
    out.push(b);
    if (out.length === k) break;
  }
  return out;
}

describe('TrainLoader.epochPlans with the GPU renderer', () => {
  it('yields epoch()\'s batches (same targets, files, shapes) whose pixels renderBatch draws within rounding', async () => {
    const cpu = await first<TrainBatch>(new TrainLoader(items, options()).epoch(1), 2);
    const planned = await first<PlannedTrainBatch>(new TrainLoader(items, options()).epochPlans(1), 2);
    for (const [k, p] of planned.entries()) {
      const c = cpu[k];
      expect(p.index).toBe(c.index);
      expect(p.shape).toEqual(c.shape);
      expect(p.files).toEqual(c.files);
      expect(Array.from(p.targets)).toEqual(Array.from(c.targets));
      expect(p.plans).toHaveLength(c.shape[0]);
      const x = renderBatch(p.plans);
      expect(x.shape).toEqual(c.shape);
      const gpu = await x.data();
      x.dispose();
      let sum = 0;
      for (let i = 0; i < gpu.length; i++) sum += Math.abs(gpu[i] * 255 - c.images[i]);
      expect(sum / gpu.length).toBeLessThan(1);
    }
  }, 60_000);

  it('rect batches: letterbox plans of the batch shape', async () => {
    const [p] = await first(new TrainLoader(items, options({ rect: true })).epochPlans(0), 1);
    expect(p.plans.every((s) => s.kind === 'letterbox' && s.width === p.shape[2] && s.height === p.shape[1])).toBe(true);
    const x = renderBatch(p.plans);
    expect(x.shape).toEqual(p.shape);
    x.dispose();
  }, 60_000);
});
