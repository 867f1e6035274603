// The GPU path against the CPU path (OpenCV-exact) on coco128 at 640, wasm backend: same plans, so identical labels;
// pixels within interpolation rounding (OpenCV quantizes warp positions to 1/32 px, tf.image.transform does not).
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../../../test/backend';
import { decodeImage, itemsForTests } from '../../../../../test/nodeData';
import { hypPreset } from '../../../config';
import { createRng } from '../../../rng';
import { loadImage, type LoadedImage, type ValItem } from '../../valLoader';
import type { AugmentHyp } from '../hyp';
import { planTrainSample, type SampleOptions, type SamplePlan, type SampleSource } from '../plan';
import { renderSample, trainSample } from '../sample';
import { invert3x3 } from '../warp';
import { disposeHsvTables } from './hsv';
import { renderBatch } from './render';

const S = 640;
const LOW = hypPreset('scratch-low');
let items: ValItem[] = [];
const cache = new Map<number, Promise<LoadedImage>>();
let src: SampleSource;

beforeAll(async () => {
  await useBackend('wasm');
  items = await itemsForTests(path.resolve(process.cwd(), '../shared/datasets/coco128/data.yaml'), 'train');
  src = {
    n: items.length,
    pool: Int32Array.from({ length: items.length }, (_, i) => i),
    labels: (i) => items[i].labels,
    load: (i) => {
      if (!cache.has(i)) cache.set(i, decodeImage(items[i].file).then((im) => loadImage(im, S, true)));
      return cache.get(i)!;
    },
  };
}, 60_000);

interface Diff { mean: number; within1: number; within2: number; max: number }

/** |gpu * 255 - cpu| over every value: mean, fraction within 1 and 2 levels, max. */
function diff(gpu: Float32Array, cpu: Uint8Array): Diff {
  let sum = 0;
  let w1 = 0;
  let w2 = 0;
  let max = 0;
  for (let i = 0; i < cpu.length; i++) {
    const d = Math.abs(Math.round(gpu[i] * 255) - cpu[i]);
    sum += d;
    if (d <= 1) w1++;
    if (d <= 2) w2++;
    if (d > max) max = d;
  }
  return { mean: sum / cpu.length, within1: w1 / cpu.length, within2: w2 / cpu.length, max };
}

function commonestGrey(rgb: Uint8Array): number {
  const count = new Int32Array(256);
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] === rgb[i + 1] && rgb[i] === rgb[i + 2]) count[rgb[i]]++;
  return count.indexOf(Math.max(...count));
}

const opts = (hyp: AugmentHyp, extra: Partial<SampleOptions> = {}): SampleOptions => ({ imgSize: S, hyp, mosaic: true, shapeHW: [S, S], ...extra });

async function plansFor(cases: readonly [number, number][], o: SampleOptions): Promise<SamplePlan[]> {
  const out: SamplePlan[] = [];
  for (const [index, seed] of cases) out.push(await planTrainSample(index, src, o, createRng(seed)));
  return out;
}

/** The GPU batch as host floats, (B, H, W, 3). */
async function gpuPixels(plans: SamplePlan[]): Promise<Float32Array> {
  const x = renderBatch(plans);
  try {
    return (await x.data()) as Float32Array;
  } finally {
    x.dispose();
  }
}

function compare(plans: SamplePlan[], gpu: Float32Array): Diff[] {
  const n = plans[0].width * plans[0].height * 3;
  return plans.map((p, b) => diff(gpu.subarray(b * n, (b + 1) * n), renderSample(p).data));
}

function report(name: string, plans: SamplePlan[], diffs: Diff[]) {
  const f = (d: Diff) => `mean ${d.mean.toFixed(3)}, <=1 ${(100 * d.within1).toFixed(2)}%, <=2 ${(100 * d.within2).toFixed(2)}%, max ${d.max}`;
  console.log(`${name}:\n${diffs.map((d, b) => `  ${plans[b].kind.padEnd(12)} ${f(d)}`).join('\n')}`);
}

/** Measured on these cases (wasm backend): mean 0.2-0.5 level, >=97% of values within 2 levels; see report(). */
function expectClose(d: Diff) {
  expect(d.mean).toBeLessThan(1.0);
  expect(d.within2).toBeGreaterThan(0.95);
}

describe('GPU augmentation (tensor ops) vs the CPU path, coco128 at 640, wasm backend', () => {
  const seeds: [number, number][] = [[0, 1], [5, 2], [17, 3], [42, 4]];

  it('mosaic + warp + HSV + flips (hyp.scratch-low, flipud 0.5): labels identical, pixels within rounding', async () => {
    const o = opts({ ...LOW, flipud: 0.5 });
    const plans = await plansFor(seeds, o);
    // The plan's labels are exactly trainSample's, and it leaves the Rng where trainSample does.
    for (const [index, seed] of seeds) {
      const [a, b] = [createRng(seed), createRng(seed)];
      const p = await planTrainSample(index, src, o, a);
      const t = await trainSample(index, src, o, b);
      expect(Array.from(p.labels)).toEqual(Array.from(t.labels));
      expect(a.state()).toBe(b.state());
    }
    expect(plans.some((p) => p.fliplr) && plans.some((p) => !p.fliplr) && plans.some((p) => p.flipud)).toBe(true);
    const diffs = compare(plans, await gpuPixels(plans));
    report('mosaic, scratch-low', plans, diffs);
    diffs.forEach(expectClose);
  }, 120_000);

  it('without HSV (warp rounding alone) the pixels are closer still', async () => {
    const plans = await plansFor(seeds.slice(0, 2), opts({ ...LOW, hsv_h: 0, hsv_s: 0, hsv_v: 0 }));
    expect(plans.every((p) => p.hsv === null)).toBe(true);
    const diffs = compare(plans, await gpuPixels(plans));
    report('mosaic, no HSV', plans, diffs);
    for (const d of diffs) {
      expect(d.mean).toBeLessThan(0.2);
      expect(d.within1).toBeGreaterThan(0.98);
    }
  }, 120_000);

  it('mixup, rotation, shear and perspective; letterbox path with and without resize', async () => {
    const wild: AugmentHyp = { ...LOW, mixup: 1, degrees: 15, shear: 5, perspective: 0.0005 };
    const plans = await plansFor([[3, 7], [9, 8]], opts(wild));
    expect(plans.map((p) => p.kind)).toEqual(['mosaic+mixup', 'mosaic+mixup']);
    const single = await plansFor([[11, 9], [20, 10]], opts({ ...LOW, degrees: 10 }, { mosaic: false }));
    // rect-like shape: the 640 px long side shrinks to 320 rows, so the letterbox resizes first
    const rect = await plansFor([[30, 11], [31, 12]], opts({ ...LOW, degrees: 5 }, { mosaic: false, shapeHW: [320, 640] }));
    for (const [name, ps] of [['mixup + perspective', plans], ['letterbox 640', single], ['letterbox 320x640', rect]] as const) {
      expect(ps.every((p) => p.kind !== 'letterbox' || p.first.kind === 'letterbox')).toBe(true);
      const diffs = compare(ps, await gpuPixels(ps));
      report(name, ps, diffs);
      diffs.forEach(expectClose);
    }
  }, 120_000);

  it('the bounds catch a wrong flip, channel order, fill or matrix', async () => {
    const [plan] = await plansFor([[0, 1]], opts({ ...LOW, fliplr: 0 }));
    const cpu = renderSample(plan).data;
    const gpu = await gpuPixels([plan]);
    const W = S * 3;
    const mirrored = gpu.slice();
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) mirrored.set(gpu.subarray(y * W + (S - 1 - x) * 3, y * W + (S - x) * 3), y * W + x * 3);
    }
    const bgr = gpu.slice();
    for (let i = 0; i < bgr.length; i += 3) [bgr[i], bgr[i + 2]] = [gpu[i + 2], gpu[i]];
    // fill 0 instead of 114: the pad grey (after HSV, the commonest grey of the CPU image) set to black
    const grey = commonestGrey(cpu);
    const fill0 = gpu.slice();
    for (let i = 0; i < cpu.length; i += 3) if (cpu[i] === grey && cpu[i + 1] === grey && cpu[i + 2] === grey) fill0.fill(0, i, i + 3);
    // the forward matrix where the inverse belongs
    const wrong: SamplePlan = { ...plan, first: { ...plan.first, warp: { ...plan.first.warp, M: Float64Array.from(invert3x3(plan.first.warp.M)!) } } };
    const bad = [mirrored, bgr, fill0, await gpuPixels([wrong])].map((g) => diff(g, cpu));
    report('right, then mirrored, BGR, fill 0, forward matrix', Array(5).fill(plan), [diff(gpu, cpu), ...bad]);
    expectClose(diff(gpu, cpu));
    for (const d of bad) expect(d.mean > 1.0 || d.within2 < 0.95).toBe(true);
  }, 120_000);

  it('frees every intermediate tensor (after a burn-in batch that builds the HSV tables)', async () => {
    const plans = await plansFor([[1, 5], [2, 6]], opts({ ...LOW, mixup: 0.5 }));
    renderBatch(plans).dispose(); // burn-in
    const before = tf.memory().numTensors;
    const x = renderBatch(plans);
    expect(tf.memory().numTensors).toBe(before + 1);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeHsvTables();
    expect(tf.memory().numTensors).toBeLessThan(before);
  }, 120_000);

  it('rejects a batch of mixed sizes', async () => {
    const a = await plansFor([[0, 1]], opts(LOW));
    const b = await plansFor([[1, 1]], opts(LOW, { mosaic: false, shapeHW: [320, 640] }));
    expect(() => renderBatch([...a, ...b])).toThrow(/sample 1 is 640x320, sample 0 640x640/);
    expect(() => renderBatch([])).toThrow(/no samples/);
  });
});
