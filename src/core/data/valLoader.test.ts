import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npArgsort as argsortNumpy } from '../metrics/npArgsort';
import { parseDataYaml } from './dataYaml';
import { filledImage, type RgbImage } from './image';
import { resolveImageList } from './imageList';
import { parseLabels } from './labels';
import { labelPathFor } from './paths';
import { SHARED, nodeFs, oracleImage, readFixture } from './testing';
import { exifSizeUpstream, loadImage, planValBatches, rectBatches, valBatches, valSample, type ValItem } from './valLoader';

interface Tensor {
  shape: number[];
  data: number[];
}
const ref = JSON.parse(readFileSync(path.resolve(process.cwd(), '../shared/reference/augment.json'), 'utf8')) as {
  val_geometry: {
    batch_shapes: Tensor;
    item0_img_chw: number[];
    item0_file: string;
    item0_shapes: [[number, number], [[number, number], [number, number]]];
    item0_labels_out: Tensor;
  };
};
const oracle = readFixture<{
  argsort: { v: number[]; idx: number[] }[];
  coco128_shapes: string;
  rect: { img_size: number; batch_size: number; stride: number; pad: number; order: number[]; shapes: [number, number][] }[];
  load_image: [number, number, number, number, number][];
}>('opencv_numpy_oracle.json');

/** The synthetic val split as upstream's val loader sees it: sorted files, their labels, their (w, h). */
function synthValItems(): ValItem[] {
  const yamlPath = path.join(SHARED, 'datasets/synth/data.yaml');
  const cfg = parseDataYaml(readFileSync(yamlPath, 'utf8'), yamlPath);
  const fs = nodeFs;
  return resolveImageList(cfg.val!, fs).map((file) => {
    const lf = labelPathFor(file);
    const labels = fs.stat(lf) ? parseLabels(fs.readText(lf), lf).rows : new Float32Array(0);
    return { file, shapeWH: [256, 256] as const, labels }; // synth.py writes 256x256 JPEGs
  });
}

describe('val loader geometry (augment.json val_geometry: synth val, img 256, rect, pad 0.5)', () => {
  const g = ref.val_geometry;
  const items = synthValItems();

  it('plans the same batch shapes: 256 px images letterboxed to 288', () => {
    expect(items).toHaveLength(50);
    const plan = planValBatches(items, { imgSize: 256, batchSize: 32 });
    expect(plan.batches.map((b) => b.shapeHW).flat()).toEqual(g.batch_shapes.data);
    expect(plan.batches.map((b) => b.members.length)).toEqual([32, 18]);
    expect(path.basename(items[plan.order[0]].file)).toBe(g.item0_file);
  });

  it('gives item 0 the same image shape, ratio/pad and labels', async () => {
    const batches = valBatches(items, async () => filledImage(256, 256, [50, 60, 70]), { imgSize: 256, batchSize: 32 });
    const first = (await batches.next()).value!;
    const item0 = first.items[0];
    expect([3, item0.image.height, item0.image.width]).toEqual(g.item0_img_chw);
    expect([item0.hw0, item0.ratioPad]).toEqual(g.item0_shapes);
    const n = g.item0_labels_out.shape[0];
    expect(item0.labels.length).toBe(n * 5);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 5; c++) {
        const want = g.item0_labels_out.data[i * 6 + 1 + c]; // column 0 is the image's index in the batch
        expect(Math.abs(item0.labels[i * 5 + c] - want)).toBeLessThanOrEqual(5e-6 * Math.max(1, Math.abs(want)));
      }
    }
    // 16 px of grey on every side, the image inside
    const at = (x: number, y: number) => Array.from(item0.image.data.subarray((y * 288 + x) * 3, (y * 288 + x) * 3 + 3));
    expect(at(15, 15)).toEqual([114, 114, 114]);
    expect(at(16, 16)).toEqual([50, 60, 70]);
    expect(at(271, 271)).toEqual([50, 60, 70]);
    expect(at(272, 100)).toEqual([114, 114, 114]);
    // pixel boxes as val.py rebuilds them: label 0 of val_0000 is (0.554688, 0.728516, 0.351562, 0.332031) on 256 px
    expect(item0.boxes[0]).toBeCloseTo(0.554688 * 256 - 0.351562 * 128 + 16, 3);
    expect(item0.boxes[3]).toBeCloseTo(0.728516 * 256 + 0.332031 * 128 + 16, 3);
  });
});

describe('rect batches (numpy argsort order and upstream batch shapes)', () => {
  const shapes = oracle.coco128_shapes.split(' ').map((s) => s.split('x').map(Number) as [number, number]);

  it.each(oracle.rect.map((r) => [`coco128 img ${r.img_size} batch ${r.batch_size} pad ${r.pad}`, r] as const))('%s', (_, r) => {
    const plan = rectBatches(shapes, { imgSize: r.img_size, batchSize: r.batch_size, stride: r.stride, pad: r.pad });
    expect(Array.from(plan.order)).toEqual(r.order);
    expect(plan.shapes).toEqual(r.shapes);
  });

  it.each(oracle.argsort.map((a) => [a.v.length, a] as const))('argsortNumpy reproduces np.argsort ties, n=%i', (_, a) => {
    expect(Array.from(argsortNumpy(a.v))).toEqual(a.idx);
  });

  it('argsortNumpy sorts NaN last and handles empty input', () => {
    expect(Array.from(argsortNumpy([2, NaN, 1]))).toEqual([2, 0, 1]);
    expect(argsortNumpy([])).toHaveLength(0);
  });

  it('without rect, every batch is imgSize square in file order', () => {
    const items = [0, 1, 2].map((i) => ({ file: `${i}`, shapeWH: [640, 100 + i] as const, labels: new Float32Array(0) }));
    const plan = planValBatches(items, { imgSize: 320, batchSize: 2, rect: false });
    expect(plan.batches).toEqual([
      { shapeHW: [320, 320], members: [0, 1] },
      { shapeHW: [320, 320], members: [2] },
    ]);
  });
});

describe('loadImage (v7.0 load_image)', () => {
  it.each(oracle.load_image.map((c) => [`${c[0]}x${c[1]} @ ${c[2]}`, c] as const))('%s -> int() sizes', (_, [w0, h0, s, w, h]) => {
    const img: RgbImage = filledImage(w0, h0);
    const out = loadImage(img, s);
    expect([out.image.width, out.image.height]).toEqual([w, h]);
    expect(out.hw0).toEqual([h0, w0]);
    expect(out.hw).toEqual([h, w]);
  });

  it('shrinks with INTER_AREA and enlarges with INTER_LINEAR (pixels differ between the two)', () => {
    const img = oracleImage(97, 61, 7);
    const down = loadImage(img, 48).image; // area
    const up = loadImage(img, 200).image; // linear
    const asLinear = loadImage(img, 48, true).image; // augment: linear even when shrinking
    expect(Buffer.from(down.data).equals(Buffer.from(asLinear.data))).toBe(false);
    // 97 * (200 / 97) is 199.99999999999997 in float64 and v7.0 truncates: 199, as upstream
    expect([up.width, up.height]).toEqual([199, 125]);
  });

  it('exifSizeUpstream swaps only for orientations 6 and 8, like upstream exif_size', () => {
    expect([5, 6, 7, 8, undefined].map((o) => exifSizeUpstream(640, 480, o))).toEqual([
      [640, 480],
      [480, 640],
      [640, 480],
      [480, 640],
      [640, 480],
    ]);
  });
});

describe('valSample', () => {
  it('shrinks a large image to imgSize and records ratio/pad for scale_boxes', () => {
    const img = oracleImage(1280, 720, 6);
    const s = valSample(img, Float32Array.of(1, 0.5, 0.5, 0.5, 0.5), [384, 640], 640);
    expect([s.image.width, s.image.height]).toEqual([640, 384]);
    expect(s.hw0).toEqual([720, 1280]);
    expect(s.ratioPad).toEqual([
      [0.5, 0.5],
      [0, 12],
    ]);
    // the box covers the middle half: x 160..480, y 12+90..12+270
    expect(Array.from(s.boxes)).toEqual([160, 102, 480, 282]);
  });

  it('clips boxes that leave the image to just inside it (eps 1e-3)', () => {
    // imgSize 100: no resize; a 128 letterbox (scaleup off) adds 14 px: x1 = -5 + 14 = 9 px, inside, not clipped
    const s = valSample(filledImage(100, 100), Float32Array.of(0, 0.05, 0.5, 0.2, 0.2), 128, 100, false);
    expect(s.boxes[0]).toBeCloseTo(9, 4);
    const t = valSample(filledImage(100, 100), Float32Array.of(0, 0.99, 0.5, 0.2, 0.2), 100, 100, false);
    expect(t.boxes[2]).toBeCloseTo(100 - 1e-3, 3);
  });
});
