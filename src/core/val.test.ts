// runVal's analytics on real predictions (upstream's synth best.pt on 8 synth val images): the confusion matrix
// counts every label exactly once, the gallery keeps the first items' boxes, and neither changes the metrics.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { decodeImage, itemsForTests } from '../../test/nodeData';
import { SHARED_DIR } from '../../test/refs';
import type { ValItem } from './data';
import { runVal, type ValResult } from './val';
import { GALLERY_MAX_DET } from './valGallery';
import { loadWeights, type LoadedWeights } from './weights';

let w: LoadedWeights;
let items: ValItem[];
let plain: ValResult;
let withGallery: ValResult;

beforeAll(async () => {
  await useBackend('wasm');
  w = loadWeights(new Uint8Array(readFileSync(resolve(SHARED_DIR, 'reference/upstream_synth_e100_best.pt'))), 'best.pt');
  items = (await itemsForTests(resolve(SHARED_DIR, 'datasets/synth/data.yaml'), 'val')).slice(0, 8);
  const decode = (f: string) => decodeImage(f);
  plain = await runVal(w.model, items, decode, w.names, { imgsz: 256, batchSize: 4 });
  withGallery = await runVal(w.model, items, decode, w.names, { imgsz: 256, batchSize: 4, gallery: 3 });
}, 120_000);
afterAll(() => w.model.dispose());

describe('runVal analytics', () => {
  it('the gallery and the confusion matrix do not change P, R, mAP or the per-class rows', () => {
    expect(plain.mAP50).toBeGreaterThan(0);
    for (const k of ['P', 'R', 'mAP50', 'mAP50_95', 'fitness'] as const) expect(withGallery[k]).toBe(plain[k]);
    expect(withGallery.perClass).toEqual(plain.perClass);
    expect(plain.gallery).toBeUndefined();
  });

  it('confusion matrix: each column (true class) sums to that class\'s labels; background column counts only FPs', () => {
    const { nc, matrix } = plain.confusion!;
    expect(nc).toBe(3);
    expect(matrix.length).toBe(16);
    const labelsPerClass = [0, 0, 0];
    for (const it of items) for (let k = 0; k < it.labels.length; k += 5) labelsPerClass[it.labels[k]]++;
    for (let t = 0; t < nc; t++) {
      let col = 0;
      for (let p = 0; p <= nc; p++) col += matrix[p * (nc + 1) + t];
      expect(col, `class ${t}`).toBe(labelsPerClass[t]);
    }
    expect(matrix[nc * (nc + 1) + nc]).toBe(0); // background vs background is never counted
    // A well-trained model: more correct than missed.
    let diag = 0;
    for (let c = 0; c < nc; c++) diag += matrix[c * (nc + 1) + c];
    expect(diag).toBeGreaterThan(labelsPerClass.reduce((a, b) => a + b, 0) / 2);
  });

  it('gallery: the first 3 items in order, their labels in original pixels, predictions by confidence', () => {
    const g = withGallery.gallery!;
    expect(g.map((x) => x.file)).toEqual(items.slice(0, 3).map((x) => x.file));
    g.forEach((img, i) => {
      expect([img.width, img.height]).toEqual(items[i].shapeWH);
      expect(img.labels.length).toBe(items[i].labels.length);
      for (let k = 0; k < img.labels.length; k += 5) {
        // Normalized xywh of the item -> pixel x1 of the gallery, within a pixel.
        const [cls, cx, , bw] = items[i].labels.subarray(k, k + 5);
        expect(img.labels[k]).toBe(cls);
        expect(Math.abs(img.labels[k + 1] - (cx - bw / 2) * img.width)).toBeLessThan(1);
      }
      const n = img.dets.length / 6;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(GALLERY_MAX_DET);
      for (let d = 1; d < n; d++) expect(img.dets[d * 6 + 4]).toBeLessThanOrEqual(img.dets[(d - 1) * 6 + 4]);
    });
  });

  it('--single-cls: every label is class 0, as upstream\'s dataloader makes it, so all boxes count for the one class', async () => {
    const one = await runVal(w.model, items, (f: string) => decodeImage(f), ['item'], { imgsz: 256, batchSize: 4, singleCls: true });
    const total = items.reduce((n, it) => n + it.labels.length / 5, 0);
    expect(one.perClass.map((r) => r.name)).toEqual(['item']);
    expect(one.perClass[0].instances).toBe(total);
    // Class-agnostic matching of a model that finds these shapes well: recall does not drop below the per-class one.
    expect(one.R).toBeGreaterThanOrEqual(plain.R - 0.05);
    expect(one.confusion!.matrix[0]).toBeGreaterThan(total / 2);
  });
});
