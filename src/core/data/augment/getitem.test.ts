// End-to-end parity with upstream's __getitem__ (augment=True) on coco128: the same draws give the same bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rng } from '../../rng';
import { sha16 } from '../testing';
import { loadImage, type LoadedImage, type ValItem } from '../valLoader';
import type { AugmentHyp } from './hyp';
import { trainSample, type SampleSource } from './sample';
import { decodeImage as decodeForTests, itemsForTests } from '../../../../test/nodeData';
import { setAugmentWasm } from './wasm/kernels';

type Call = ['next', number] | ['uniform', number, number, number] | ['int', number, number] | ['normal', number];
interface Case { name: string; index: number; hyp: AugmentHyp; calls: Call[]; kind: string; upstream_sha: string; upstream_labels: number[] }
const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'upstream_getitem.json'), 'utf8')) as { files: string[]; cases: Case[] };

/** Replays recorded Rng results, checking each call's kind and arguments (so the draw order is tested too). */
function replay(calls: Call[]): Rng & { left: () => number } {
  let k = 0;
  const take = (kind: Call[0], ...args: number[]) => {
    const c = calls[k++];
    if (!c || c[0] !== kind || args.some((a, i) => c[i + 1] !== a)) throw new Error(`draw ${k - 1}: expected ${JSON.stringify(c)}, got ${kind}(${args.join(', ')})`);
    return c[c.length - 1] as number;
  };
  return {
    next: () => take('next'),
    uniform: (lo, hi) => take('uniform', lo, hi),
    int: (n) => take('int', n),
    normal: () => take('normal'),
    state: () => k,
    left: () => calls.length - k,
  };
}

let items: ValItem[] = [];
const cache = new Map<number, Promise<LoadedImage>>();
let source: SampleSource;

beforeAll(async () => {
  items = await itemsForTests(path.resolve(process.cwd(), '../shared/datasets/coco128/data.yaml'), 'train');
  source = {
    n: items.length,
    pool: Int32Array.from({ length: items.length }, (_, i) => i),
    labels: (i) => items[i].labels,
    load: (i) => {
      if (!cache.has(i)) cache.set(i, decodeForTests(items[i].file).then((im) => loadImage(im, 640, true)));
      return cache.get(i)!;
    },
  };
});

describe.each(['wasm', 'js'])("trainSample vs upstream's LoadImagesAndLabels.__getitem__ (coco128, 640, replayed draws), %s loops", (impl) => {
  beforeAll(() => setAugmentWasm(impl === 'wasm'));
  afterAll(() => setAugmentWasm(true));

  it('lists the images in upstream order', () => {
    expect(items.map((it) => path.basename(it.file))).toEqual(fixture.files);
  });

  it.each(fixture.cases.map((c) => [`${c.name} #${c.index} (${c.kind})`, c] as const))('%s: identical image bytes and labels', async (_, c) => {
    const rng = replay(c.calls);
    const s = await trainSample(c.index, source, { imgSize: 640, hyp: c.hyp, mosaic: true, shapeHW: [640, 640] }, rng);
    expect(rng.left()).toBe(0);
    expect(s.kind).toBe(c.kind);
    expect(sha16(s.image.data)).toBe(c.upstream_sha);
    expect(Array.from(s.labels)).toEqual(c.upstream_labels);
  });
});
