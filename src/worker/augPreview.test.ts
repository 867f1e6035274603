import { describe, expect, it } from 'vitest';
import { hypPreset } from '../core/config/hyps';
import type { AugmentHyp } from '../core/data/augment/hyp';
import type { RgbImage } from '../core/data/image';
import { letterbox } from '../core/data/letterbox';
import { TrainLoader } from '../core/data/trainLoader';
import { loadImage, type ValItem } from '../core/data/valLoader';
import { createRng } from '../core/rng';
import type { AugPreviewRequest } from '../protocol/augPreview';
import { AugPreviewError, previewImgSize, renderAugPreview, type PreviewData } from './augPreview';
import { LruMap } from './augPreviewService';

// Six small images of different shapes with noisy pixels (so any misplaced pixel shows) and 1-3 boxes well inside.
const SIZES: [number, number][] = [[96, 64], [64, 80], [128, 128], [50, 70], [120, 90], [64, 64]];

function image(k: number, [w, h]: [number, number]): RgbImage {
  const rng = createRng(1000 + k);
  return { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => rng.int(256)) };
}

function dataset(): PreviewData & { images: Map<string, RgbImage> } {
  const images = new Map<string, RgbImage>();
  const train: ValItem[] = SIZES.map((wh, k) => {
    const file = `img${k}.png`;
    images.set(file, image(k, wh));
    const rows: number[] = [];
    for (let b = 0; b <= k % 3; b++) rows.push(b % 3, 0.3 + 0.2 * b, 0.4 + 0.1 * b, 0.2, 0.25);
    return { file, shapeWH: wh, labels: Float32Array.from(rows) };
  });
  return {
    names: ['a', 'b', 'c'],
    train,
    images,
    decode: async (file) => {
      const img = images.get(file)!;
      return { ...img, data: img.data.slice() };
    },
  };
}

const HYP: AugmentHyp = hypPreset('scratch-low');
const request = (o: Partial<AugPreviewRequest> = {}): AugPreviewRequest => ({ datasetId: 'd', hyp: HYP, imgsz: 64, seed: 0, count: 4, ...o });

describe('renderAugPreview', () => {
  it('draws the same bytes and boxes from the same seed and settings, other ones from another seed', async () => {
    const a = (await renderAugPreview(dataset(), request({ seed: 7 })))!;
    const b = (await renderAugPreview(dataset(), request({ seed: 7 })))!;
    const c = (await renderAugPreview(dataset(), request({ seed: 8 })))!;
    expect(a.samples).toHaveLength(4);
    for (let i = 0; i < 4; i++) {
      expect(b.samples[i].rgba).toEqual(a.samples[i].rgba);
      expect(b.samples[i].boxes).toEqual(a.samples[i].boxes);
      expect(b.samples[i].file).toBe(a.samples[i].file);
    }
    expect(c.samples.some((s, i) => !equalBytes(s.rgba, a.samples[i].rgba))).toBe(true);
    expect(a.names).toEqual(['a', 'b', 'c']);
  });

  it('is exactly the first samples of the training loader epoch 0 (any batch size) with the same seed', async () => {
    const data = dataset();
    const preview = (await renderAugPreview(data, request({ seed: 3 })))!;
    const loader = new TrainLoader(data.train, { imgSize: 64, batchSize: 4, hyp: HYP, seed: 3, decode: data.decode });
    const it = loader.epoch(0);
    const batch = (await it.next()).value!;
    await it.return(undefined);
    const px = 64 * 64 * 3;
    preview.samples.forEach((s, j) => {
      expect(s.kind).toMatch(/^mosaic/);
      const rgb = batch.images.subarray(j * px, (j + 1) * px);
      expect(rgbOf(s.rgba)).toEqual(rgb);
      const mine: Float32Array[] = [];
      for (let r = 0; r < batch.targets.length; r += 6) if (batch.targets[r] === j) mine.push(batch.targets.subarray(r + 1, r + 6));
      expect(s.boxes.length / 5).toBe(mine.length);
      mine.forEach((row, k) => {
        const [cls, x1, y1, x2, y2] = s.boxes.subarray(k * 5, k * 5 + 5);
        const xywhn = [(x1 + x2) / 2 / 64, (y1 + y2) / 2 / 64, (x2 - x1) / 64, (y2 - y1) / 64];
        expect(cls).toBe(row[0]);
        xywhn.forEach((v, i) => expect(v).toBeCloseTo(row[i + 1], 5));
      });
    });
  });

  it('keeps every box inside its image, whatever the warp', async () => {
    const hyp = { ...HYP, degrees: 30, shear: 10, translate: 0.3, scale: 0.9, perspective: 0.0005, mixup: 0.5, flipud: 0.5 };
    let boxes = 0;
    for (const seed of [0, 1, 2, 3, 4]) {
      const p = (await renderAugPreview(dataset(), request({ seed, hyp, count: 6 })))!;
      for (const s of p.samples) {
        expect([s.width, s.height]).toEqual([64, 64]);
        expect(s.rgba.length).toBe(64 * 64 * 4);
        for (let r = 0; r < s.boxes.length; r += 5, boxes++) {
          const [cls, x1, y1, x2, y2] = s.boxes.subarray(r, r + 5);
          expect([0, 1, 2]).toContain(cls);
          expect(x1).toBeGreaterThanOrEqual(-1e-3);
          expect(y1).toBeGreaterThanOrEqual(-1e-3);
          expect(x2).toBeLessThanOrEqual(s.width + 1e-3);
          expect(y2).toBeLessThanOrEqual(s.height + 1e-3);
          expect(x2).toBeGreaterThan(x1);
          expect(y2).toBeGreaterThan(y1);
        }
      }
    }
    expect(boxes).toBeGreaterThan(20);
  });

  it('with mosaic 0 and no other augmentation gives the plain letterboxed image and its labels', async () => {
    const data = dataset();
    const none = { ...HYP, mosaic: 0, mixup: 0, hsv_h: 0, hsv_s: 0, hsv_v: 0, degrees: 0, translate: 0, scale: 0, shear: 0, perspective: 0, flipud: 0, fliplr: 0 };
    const p = (await renderAugPreview(data, request({ hyp: none, count: 6, seed: 5 })))!;
    expect(new Set(p.samples.map((s) => s.file)).size).toBe(6);
    for (const s of p.samples) {
      expect(s.kind).toBe('letterbox');
      const item = data.train.find((t) => t.file === s.file)!;
      const loaded = loadImage(data.images.get(s.file)!, 64, true);
      const lb = letterbox(loaded.image, [64, 64], { auto: false, scaleup: true });
      expect(rgbOf(s.rgba)).toEqual(lb.image.data);
      const [w, h] = [loaded.hw[1] * lb.ratio[0], loaded.hw[0] * lb.ratio[1]];
      expect(s.boxes.length).toBe(item.labels.length);
      for (let r = 0; r < s.boxes.length; r += 5) {
        const [cls, cx, cy, bw, bh] = item.labels.subarray(r, r + 5);
        const want = [cls, (cx - bw / 2) * w + lb.pad[0], (cy - bh / 2) * h + lb.pad[1], (cx + bw / 2) * w + lb.pad[0], (cy + bh / 2) * h + lb.pad[1]];
        [...s.boxes.subarray(r, r + 5)].forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(0.01));
      }
    }
  });

  it('single-cls names every box class 0 "item"', async () => {
    const p = (await renderAugPreview(dataset(), request({ singleCls: true })))!;
    expect(p.names).toEqual(['item']);
    const classes = p.samples.flatMap((s) => [...s.boxes].filter((_, i) => i % 5 === 0));
    expect(classes.length).toBeGreaterThan(0);
    expect(new Set(classes)).toEqual(new Set([0]));
  });

  it('gives up (null) as soon as it is no longer current, between two samples', async () => {
    let asked = 0;
    expect(await renderAugPreview(dataset(), request(), () => ++asked < 3)).toBeNull();
    expect(asked).toBe(3);
    expect(await renderAugPreview(dataset(), request(), () => false)).toBeNull();
  });

  it('continues into the next epochs when the dataset is smaller than the count', async () => {
    const p = (await renderAugPreview(dataset(), request({ count: 9 })))!;
    expect(p.samples).toHaveLength(9);
  });

  it('rounds the image size up as the trainer does and refuses bad requests with a code', async () => {
    expect(previewImgSize(100)).toBe(128);
    expect(previewImgSize(10)).toBe(64);
    const p = (await renderAugPreview(dataset(), request({ imgsz: 70, count: 1 })))!;
    expect(p.imgsz).toBe(96);
    expect([p.samples[0].width, p.samples[0].height]).toEqual([96, 96]);
    await expect(renderAugPreview(dataset(), request({ count: 0 }))).rejects.toMatchObject({ code: 'bad_count' });
    await expect(renderAugPreview(dataset(), request({ seed: -1 }))).rejects.toBeInstanceOf(AugPreviewError);
    await expect(renderAugPreview(dataset(), request({ imgsz: NaN }))).rejects.toMatchObject({ code: 'bad_imgsz' });
    await expect(renderAugPreview(dataset(), request({ hyp: { ...HYP, mosaic: 2 } }))).rejects.toMatchObject({ code: 'bad_hyp' });
  });
});

describe('LruMap', () => {
  it('forgets the least recently used entries beyond its limit', () => {
    const m = new LruMap<number, string>(2);
    m.set(1, 'a').set(2, 'b');
    expect(m.get(1)).toBe('a'); // 1 is now the most recent
    m.set(3, 'c');
    expect([...m.keys()]).toEqual([1, 3]);
  });
});

function rgbOf(rgba: Uint8ClampedArray): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) out.set(rgba.subarray(i, i + 3), j);
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) throw new Error(`alpha ${rgba[i]} at ${i}`);
  return out;
}

function equalBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
