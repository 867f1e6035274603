import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hypPreset } from '../config';
import { decodeImage as decodeForTests, itemsForTests } from '../../../test/nodeData';
import type { RgbImage } from './image';
import { oracleImage, sha16 } from './testing';
import { TrainLoader, type TrainBatch, type TrainLoaderOptions } from './trainLoader';
import { rectBatches, type ValItem } from './valLoader';

const SCRATCH_LOW = hypPreset('scratch-low');

const SYNTH = path.resolve(process.cwd(), '../shared/datasets/synth/data.yaml');
let items: ValItem[] = [];
const decoded = new Map<string, Promise<RgbImage>>();
/** Decode once per file for the whole test file (each loader still has its own load_image cache). */
const decode = (f: string) => {
  if (!decoded.has(f)) decoded.set(f, decodeForTests(f));
  return decoded.get(f)!;
};

beforeAll(async () => {
  items = await itemsForTests(SYNTH, 'train');
});

const base = (o: Partial<TrainLoaderOptions> = {}): TrainLoaderOptions => ({
  imgSize: 256, batchSize: 8, hyp: SCRATCH_LOW, seed: 0, decode, cache: true, ...o,
});

async function take(loader: TrainLoader, epoch: number, k: number, indices?: ArrayLike<number>): Promise<TrainBatch[]> {
  const out: TrainBatch[] = [];
  for await (const b of loader.epoch(epoch, { indices })) {
    out.push(b);
    if (out.length === k) break;
  }
  return out;
}

function checkTargets(b: TrainBatch) {
  const [B] = b.shape;
  expect(b.targets.length % 6).toBe(0);
  for (let i = 0; i < b.targets.length; i += 6) {
    const [img, cls, x, y, w, h] = b.targets.subarray(i, i + 6);
    expect(Number.isInteger(img) && img >= 0 && img < B).toBe(true);
    expect([0, 1, 2]).toContain(cls);
    expect(w).toBeGreaterThan(0);
    expect(h).toBeGreaterThan(0);
    // clipped to [0, 1 - eps/size] before the conversion: the box stays inside the image
    expect(x - w / 2).toBeGreaterThanOrEqual(-1e-6);
    expect(y - h / 2).toBeGreaterThanOrEqual(-1e-6);
    expect(x + w / 2).toBeLessThanOrEqual(1 + 1e-6);
    expect(y + h / 2).toBeLessThanOrEqual(1 + 1e-6);
  }
}

describe('TrainLoader on datasets/synth', () => {
  it('yields NHWC uint8 batches with targets [img, cls, x, y, w, h] inside the images', async () => {
    expect(items.length).toBe(200);
    const loader = new TrainLoader(items, base());
    expect([loader.n, loader.batchSize, loader.nb]).toEqual([200, 8, 25]);
    const batches = await take(loader, 0, 3);
    let labels = 0;
    for (const [k, b] of batches.entries()) {
      expect(b.index).toBe(k);
      expect(b.shape).toEqual([8, 256, 256, 3]);
      expect(b.images.length).toBe(8 * 256 * 256 * 3);
      expect(b.files).toHaveLength(8);
      checkTargets(b);
      labels += b.targets.length / 6;
      // every image of the batch has labels here (mosaics of 4 labelled images) and is not plain grey
      for (let j = 0; j < 8; j++) {
        const img = b.images.subarray(j * 256 * 256 * 3, (j + 1) * 256 * 256 * 3);
        expect(img.some((v) => v !== 114)).toBe(true);
      }
    }
    // synth has 1-4 shapes per image; a mosaic shows parts of 4 images, some cut away: a few per image on average
    expect(labels / 24).toBeGreaterThan(2);
    expect(labels / 24).toBeLessThan(16);
  });

  it('is deterministic: same seed -> identical batches whatever the prefetch; other seeds and epochs differ', async () => {
    const [a0, a1] = await take(new TrainLoader(items, base({ prefetch: 2 })), 1, 2);
    const [b0, b1] = await take(new TrainLoader(items, base({ prefetch: 0, cache: false })), 1, 2);
    // (hashes: deep equality on megabyte arrays is slow in vitest)
    expect(sha16(b0.images)).toBe(sha16(a0.images));
    expect(b0.targets).toEqual(a0.targets);
    expect(sha16(b1.images)).toBe(sha16(a1.images));
    expect(b1.files).toEqual(a1.files);
    const [c0] = await take(new TrainLoader(items, base({ seed: 1 })), 1, 1);
    expect(c0.files).not.toEqual(a0.files);
    const [d0] = await take(new TrainLoader(items, base()), 2, 1);
    expect(d0.files).not.toEqual(a0.files);
  });

  it('covers every image once per epoch, the last batch short', async () => {
    const loader = new TrainLoader(items.slice(0, 21), base({ hyp: { ...SCRATCH_LOW, mosaic: 0 } }));
    const seen: number[] = [];
    const sizes: number[] = [];
    for await (const b of loader.epoch(0)) {
      seen.push(...b.itemIndices);
      sizes.push(b.shape[0]);
    }
    expect(sizes).toEqual([8, 8, 5]);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, i) => i));
  });

  it('rect: aspect-ratio order, one letterbox shape per batch, no mosaic, no shuffle', async () => {
    // synth images are all square: use fake shapes to get distinct batch shapes (the pixels are letterboxed anyway)
    const fake = items.slice(0, 12).map((it, i) => ({ ...it, shapeWH: [256, [128, 200, 256][i % 3]] as const }));
    const loader = new TrainLoader(fake, base({ rect: true, batchSize: 4 }));
    const plan = rectBatches(fake.map((it) => it.shapeWH), { imgSize: 256, batchSize: 4, stride: 32, pad: 0 });
    const batches = await take(loader, 0, 3);
    batches.forEach((b, k) => {
      expect(b.shape.slice(1, 3)).toEqual(plan.shapes[k]);
      expect(Array.from(b.itemIndices)).toEqual(Array.from(plan.order.subarray(k * 4, k * 4 + 4)));
      checkTargets(b);
    });
    const again = await take(loader, 5, 1);
    expect(again[0].itemIndices).toEqual(batches[0].itemIndices);
  });

  it('image weights: positions map through the given indices, mosaics draw from them too', async () => {
    const loader = new TrainLoader(items.slice(0, 10), base({ imageWeights: true, rect: true, batchSize: 5 }));
    expect(loader.rect).toBe(false);
    const indices = new Int32Array(10).fill(3);
    const [b] = await take(loader, 0, 1, indices);
    expect(Array.from(b.itemIndices)).toEqual([3, 3, 3, 3, 3]);
    expect(() => loader.planEpoch(0, [1, 2])).toThrow(/2 indices for 10 images/);
  });

  it('stops building when the consumer stops, and single-cls maps every class to 0', async () => {
    let calls = 0;
    const counting = (f: string) => {
      calls++;
      return decode(f);
    };
    const loader = new TrainLoader(items, base({ decode: counting, cache: false, prefetch: 3, singleCls: true }));
    const [b] = await take(loader, 0, 1);
    const after = calls;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(after);
    // batch 0 decodes 8 mosaics x 4 tiles; the stop lands inside batch 1 (without it, batches 1-3 would add 96 more)
    expect(calls).toBeGreaterThanOrEqual(32);
    expect(calls).toBeLessThan(64);
    for (let i = 1; i < b.targets.length; i += 6) expect(b.targets[i]).toBe(0);
  });
});

describe('TrainLoader input checks', () => {
  const one: ValItem = { file: 'a.jpg', shapeWH: [8, 8], labels: new Float32Array(0) };
  const dec = async () => oracleImage(8, 8, 0);
  it('rejects an empty dataset, a bad batch size, malformed labels and bad hyperparameters', () => {
    const o = { imgSize: 32, batchSize: 2, hyp: SCRATCH_LOW, seed: 0, decode: dec };
    expect(() => new TrainLoader([], o)).toThrow(/no images/);
    expect(() => new TrainLoader([one], { ...o, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new TrainLoader([{ ...one, labels: new Float32Array(4) }], o)).toThrow(/a\.jpg: 4 label values/);
    expect(() => new TrainLoader([one], { ...o, hyp: { ...SCRATCH_LOW, fliplr: 1.5 } })).toThrow(/hyp\.fliplr must be a probability/);
    expect(new TrainLoader([one, one, one], { ...o, batchSize: 16 }).batchSize).toBe(3);
  });

  it('passes decode errors through', async () => {
    const loader = new TrainLoader([one], { imgSize: 32, batchSize: 1, hyp: SCRATCH_LOW, seed: 0, decode: () => Promise.reject(new Error('a.jpg: corrupt')) });
    await expect(take(loader, 0, 1)).rejects.toThrow(/a\.jpg: corrupt/);
  });
});
