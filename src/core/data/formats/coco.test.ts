// COCO JSON -> internal form, checked against the numbers upstream's JSON2YOLO would write.
import { describe, expect, it } from 'vitest';
import { formatG } from './coco';
import { filesOf, prepareFiles, synthJpeg } from './testing';

const f32 = (xs: number[]) => xs.map(Math.fround);

const trainJson = {
  images: [
    { id: 1, file_name: 'a.jpg', width: 256, height: 256 },
    { id: 2, file_name: 'b.jpg', width: 256, height: 256 },
    { id: 3, file_name: 'c.jpg', width: 256, height: 256 },
  ],
  annotations: [
    { id: 10, image_id: 1, category_id: 7, bbox: [10, 20, 50, 100], iscrowd: 0, area: 5000 },
    { id: 11, image_id: 1, category_id: 3, bbox: [0, 0, 256, 256], iscrowd: 1 },
    { id: 12, image_id: 2, category_id: 11, bbox: [100.5, 30.25, 0, 10], iscrowd: 0 },
    { id: 13, image_id: 2, category_id: 3, bbox: [128, 128, 64, 32], iscrowd: 0 },
  ],
  categories: [{ id: 11, name: 'm' }, { id: 3, name: 'z' }, { id: 7, name: 'a' }],
};
const valJson = {
  images: [{ id: 5, file_name: 'd.jpg', width: 256, height: 256 }],
  annotations: [{ id: 20, image_id: 5, category_id: 11, bbox: [64, 64, 128, 128], iscrowd: 0 }],
  categories: trainJson.categories,
};

describe('COCO JSON', () => {
  it('converts as JSON2YOLO: centre / size with %g, sorted category ids -> 0..n-1, iscrowd and empty boxes skipped', async () => {
    const ds = await prepareFiles(filesOf({
      'coco/annotations/instances_train2017.json': JSON.stringify(trainJson),
      'coco/annotations/instances_val2017.json': JSON.stringify(valJson),
      'coco/train2017/a.jpg': synthJpeg(0),
      'coco/train2017/b.jpg': synthJpeg(1),
      'coco/train2017/c.jpg': synthJpeg(2),
      'coco/val2017/d.jpg': synthJpeg(3),
    }));
    expect(ds.format).toBe('coco');
    expect(ds.names).toEqual(['z', 'a', 'm']);
    const [a, b, c] = ds.splits.train;
    expect(a.path).toBe('/coco/train2017/a.jpg');
    // JSON2YOLO writes '1 0.136719 0.273438 0.195312 0.390625' (50 / 256 = 0.1953125 rounds half to even)
    expect(Array.from(a.labels)).toEqual(f32([1, 0.136719, 0.273438, 0.195312, 0.390625]));
    expect(Array.from(b.labels)).toEqual(f32([0, 0.625, 0.5625, 0.25, 0.125]));
    expect(c.labels.length).toBe(0);
    expect(c.labelFile).toBeUndefined();
    expect(Array.from(ds.splits.val![0].labels)).toEqual(f32([2, 0.5, 0.5, 0.5, 0.5]));
    expect(ds.report.splits.train).toMatchObject({ found: 2, missing: 1, empty: 0, images: 3, backgrounds: 1, instances: 2 });
    expect(ds.report.splits.train!.scanDir).toBe('/coco/annotations');
    expect(ds.report.problems).toEqual([
      expect.objectContaining({ code: 'box_empty', action: 'fixed', image: '/coco/train2017/b.jpg', file: '/coco/annotations/instances_train2017.json' }),
    ]);
    expect(ds.notes).toEqual(['/coco/annotations/instances_train2017.json: 1 iscrowd annotation(s) skipped, as upstream\'s JSON2YOLO does']);
  });

  it('Roboflow COCO export: one json per split folder, the same file name in two folders is fine', async () => {
    const one = (id: number) => JSON.stringify({
      images: [{ id, file_name: 'x.jpg', width: 256, height: 256 }],
      annotations: [{ id, image_id: id, category_id: 0, bbox: [0, 0, 128, 128], iscrowd: 0 }],
      categories: [{ id: 0, name: 'thing' }],
    });
    const ds = await prepareFiles(filesOf({
      'train/_annotations.coco.json': one(1), 'train/x.jpg': synthJpeg(4),
      'valid/_annotations.coco.json': one(2), 'valid/x.jpg': synthJpeg(5),
    }));
    expect(ds.splits.train.map((i) => i.path)).toEqual(['/train/x.jpg']);
    expect(ds.splits.val!.map((i) => i.path)).toEqual(['/valid/x.jpg']);
    expect(ds.report.problems).toEqual([]);
  });

  it('one json: seeded split; an ambiguous file_name, a missing image and an unknown category are reported', async () => {
    const images = Array.from({ length: 10 }, (_, k) => ({ id: k, file_name: `im${k}.jpg`, width: 256, height: 256 }));
    images.push({ id: 50, file_name: 'dup.jpg', width: 256, height: 256 }, { id: 51, file_name: 'gone.jpg', width: 256, height: 256 });
    const annotations = images.map((im) => ({ id: 100 + im.id, image_id: im.id, category_id: im.id === 3 ? 9 : 1, bbox: [1, 1, 10, 10], iscrowd: 0 }));
    const spec: Record<string, string | Uint8Array> = {
      'labels.json': JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'p' }] }),
      'one/dup.jpg': synthJpeg(20),
      'two/dup.jpg': synthJpeg(21),
    };
    for (let k = 0; k < 10; k++) spec[`imgs/im${k}.jpg`] = synthJpeg(k);
    const ds = await prepareFiles(filesOf(spec), { seed: 1 });
    expect(ds.autoSplit).toEqual({ valFraction: 0.1, seed: 1 });
    expect(ds.splits.train.length + ds.splits.val!.length).toBe(9);
    const byCode = Object.fromEntries(ds.report.problems.map((p) => [p.code, p]));
    expect(byCode.ambiguous_image.message).toBe("images[10] 'dup.jpg' matches several files: /one/dup.jpg, /two/dup.jpg");
    expect(byCode.image_missing.message).toBe("images[11] 'gone.jpg' is not among the dataset files");
    expect(byCode.coco_unknown_category).toMatchObject({ image: '/imgs/im3.jpg', action: 'dropped', message: 'annotation id 103: category_id 9 is not in categories' });
    expect(ds.report.splits.train!.corrupt).toBe(1);
  });

  it('invalid JSON names the file and line', async () => {
    const text = '{\n  "images": [],\n  "annotations": [,],\n  "categories": []\n}';
    await expect(prepareFiles(filesOf({ 'a.json': text, 'a.jpg': synthJpeg(0) }))).rejects.toThrow(/^\/a\.json:3: invalid JSON/);
  });

  it('formatG is Python\'s %g', () => {
    const cases: [number, string][] = [
      [0.1953125, '0.195312'], [0.2734375, '0.273438'], [0.13671875, '0.136719'], [2, '2'], [0, '0'], [1e-5, '1e-05'],
      [0.00012345678, '0.000123457'], [123456789, '1.23457e+08'], [999999.5, '1e+06'], [0.9999995, '1'], [1 / 3, '0.333333'],
      [0.0001220703125, '0.00012207'], [-2.5, '-2.5'],
    ];
    for (const [v, s] of cases) expect(formatG(v), String(v)).toBe(s);
  });
});
