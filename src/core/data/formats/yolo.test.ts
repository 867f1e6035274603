// YOLO-family layouts built in memory from real synth images: Ultralytics data.yaml, Roboflow's zip export, CVAT's
// YOLO 1.1 export, a plain folder with a class list (with and without split folders).
import { describe, expect, it } from 'vitest';
import { unzipToFiles } from '../zip';
import { filesOf, prepareFiles, synthJpeg, zipOf } from './testing';

const rows = (a: Float32Array) => Array.from(a);

describe('Ultralytics data.yaml', () => {
  const files = filesOf({
    'ds/data.yaml': 'path: .\ntrain: images/train\nval: images/val\nnames: [a, b, c]\n',
    'ds/images/train/t0.jpg': synthJpeg(0),
    'ds/images/train/t1.jpg': synthJpeg(1),
    'ds/images/train/t2.jpg': synthJpeg(2),
    'ds/labels/train/t0.txt': '0 0.5 0.5 0.2 0.2\n1 0.3 0.3 0.1 0.1\n',
    'ds/labels/train/t1.txt': '2 0.5 0.5 0.4 0.4',
    'ds/images/val/v0.jpg': synthJpeg(3),
    'ds/labels/val/v0.txt': '',
  });

  it('reads splits, names and labels; a missing or empty label file is a background', async () => {
    const ds = await prepareFiles(files);
    expect(ds.format).toBe('yolo');
    expect(ds.name).toBe('ds');
    expect(ds.names).toEqual(['a', 'b', 'c']);
    expect(ds.splits.train.map((i) => i.path)).toEqual(['/ds/images/train/t0.jpg', '/ds/images/train/t1.jpg', '/ds/images/train/t2.jpg']);
    expect(rows(ds.splits.train[0].labels)).toEqual([0, 0.5, 0.5, 0.2, 0.2, 1, 0.3, 0.3, 0.1, 0.1].map(Math.fround));
    expect(ds.splits.train[0].labelFile).toBe('/ds/labels/train/t0.txt');
    expect(ds.splits.train[2].labels.length).toBe(0);
    expect(ds.splits.train[0]).toMatchObject({ width: 256, height: 256, format: 'jpeg', orientation: 1 });
    const tr = ds.report.splits.train!;
    expect(tr).toMatchObject({ found: 2, missing: 1, empty: 0, corrupt: 0, images: 3, backgrounds: 1, instances: 3, scanDir: '/ds/labels/train' });
    expect(ds.report.splits.val).toMatchObject({ found: 1, missing: 0, empty: 1, images: 1, backgrounds: 1, instances: 0 });
    expect(ds.report.problems).toEqual([]);
    expect(ds.report.blocksTraining).toBe(false);
    expect(ds.autoSplit).toBeUndefined();
  });
});

describe('Roboflow "YOLOv5 PyTorch" zip', () => {
  const yaml = "train: ../train/images\nval: ../valid/images\ntest: ../test/images\n\nnc: 2\nnames: ['cat', 'dog']\n\nroboflow:\n  workspace: w\n  version: 1\n";
  const layout = (prefix: string) =>
    filesOf({
      [`${prefix}data.yaml`]: yaml,
      [`${prefix}README.roboflow.txt`]: 'exported from roboflow',
      [`${prefix}train/images/a_jpg.rf.1.jpg`]: synthJpeg(4),
      [`${prefix}train/labels/a_jpg.rf.1.txt`]: '1 0.5 0.5 0.25 0.25\n',
      [`${prefix}train/images/b_jpg.rf.2.jpg`]: synthJpeg(5),
      [`${prefix}train/labels/b_jpg.rf.2.txt`]: '0 0.4 0.4 0.1 0.1\n',
      [`${prefix}valid/images/c_jpg.rf.3.jpg`]: synthJpeg(6),
      [`${prefix}valid/labels/c_jpg.rf.3.txt`]: '0 0.6 0.6 0.2 0.2\n',
    });

  it.each([['at the zip root', ''], ['inside a top folder', 'export/']])('finds ../train/images %s, warns about the absent test split', async (_, prefix) => {
    const files = await unzipToFiles(await zipOf(layout(prefix)), {}, 'rf.zip');
    const ds = await prepareFiles(files, { name: 'rf' });
    expect(ds.name).toBe('rf');
    expect(ds.names).toEqual(['cat', 'dog']);
    expect(ds.splits.train).toHaveLength(2);
    expect(ds.splits.val).toHaveLength(1);
    expect(ds.splits.test).toBeUndefined();
    expect(rows(ds.splits.val![0].labels)).toEqual([0, 0.6, 0.6, 0.2, 0.2].map(Math.fround));
    const w = ds.report.problems.find((p) => p.code === 'path_not_found')!;
    expect(w).toMatchObject({ action: 'warning', split: 'test', file: `/${prefix}data.yaml`, line: 3 });
    expect(w.message).toMatch(/'\.\.\/test\/images'.*the test split is left out/);
  });
});

describe('CVAT YOLO 1.1 export', () => {
  it('reads obj.data, obj.names and train.txt with data/ paths; no val -> a seeded split', async () => {
    const files = filesOf({
      'obj.data': 'classes = 2\ntrain = data/train.txt\nnames = data/obj.names\nbackup = backup/\n',
      'obj.names': 'car\nperson\n',
      'train.txt': 'data/obj_train_data/x.jpg\ndata/obj_train_data/y.jpg\ndata/obj_train_data/z.jpg\n',
      'obj_train_data/x.jpg': synthJpeg(7),
      'obj_train_data/x.txt': '1 0.5 0.5 0.3 0.3\n',
      'obj_train_data/y.jpg': synthJpeg(8),
      'obj_train_data/y.txt': '0 0.5 0.5 0.3 0.3\n',
      'obj_train_data/z.jpg': synthJpeg(9),
    });
    const ds = await prepareFiles(files, { valFraction: 0.34, seed: 3 });
    expect(ds.format).toBe('darknet');
    expect(ds.names).toEqual(['car', 'person']);
    expect(ds.autoSplit).toEqual({ valFraction: 0.34, seed: 3 });
    const all = [...ds.splits.train, ...ds.splits.val!].map((i) => i.path).sort();
    expect(all).toEqual(['/obj_train_data/x.jpg', '/obj_train_data/y.jpg', '/obj_train_data/z.jpg']);
    expect(ds.splits.val).toHaveLength(1);
    const x = [...ds.splits.train, ...ds.splits.val!].find((i) => i.path.endsWith('x.jpg'))!;
    expect(x.labelFile).toBe('/obj_train_data/x.txt');
    const { train, val } = ds.report.splits;
    expect(train!.found + val!.found).toBe(2);
    expect(train!.missing + val!.missing).toBe(1);
    expect(train!.images + val!.images).toBe(3);
  });

  it('refuses classes = N that disagrees with the names file', async () => {
    const files = filesOf({ 'obj.data': 'classes = 3\ntrain = train.txt\nnames = obj.names\n', 'obj.names': 'a\nb\n', 'train.txt': '' });
    await expect(prepareFiles(files)).rejects.toThrow(/obj\.data:1: classes = 3 but \/obj\.names has 2 names/);
  });
});

describe('a folder of images and labels with a class list', () => {
  it('Label Studio layout (classes.txt, images/, labels/, notes.json): 90/10 stratified split', async () => {
    const spec: Record<string, string | Uint8Array> = {
      'classes.txt': 'cat\ndog\n',
      'notes.json': '{"categories": [{"id": 0, "name": "cat"}, {"id": 1, "name": "dog"}], "info": {"year": 2024}}',
    };
    for (let k = 0; k < 20; k++) {
      spec[`images/im${k}.jpg`] = synthJpeg(10 + k);
      spec[`labels/im${k}.txt`] = `${k % 4 === 0 ? 1 : 0} 0.5 0.5 0.2 0.2\n`;
    }
    const ds = await prepareFiles(filesOf(spec));
    expect(ds.format).toBe('folder');
    expect(ds.names).toEqual(['cat', 'dog']);
    expect(ds.splits.train).toHaveLength(18);
    expect(ds.splits.val).toHaveLength(2);
    // stratified: 5 dog images and 15 cat images -> one of each in val (largest remainders)
    expect(ds.splits.val!.map((i) => i.labels[0]).sort()).toEqual([0, 1]);
    expect(ds.stats.train!.perClass.map((c) => c.images)).toEqual([14, 4]);
  });

  it('train/ and valid/ folders with obj.names become the splits', async () => {
    const ds = await prepareFiles(filesOf({
      'obj.names': 'x\n',
      'train/a.jpg': synthJpeg(30),
      'train/a.txt': '0 0.5 0.5 0.5 0.5',
      'valid/b.jpg': synthJpeg(31),
      'test/c.jpg': synthJpeg(32),
    }));
    expect(ds.splits.train.map((i) => i.path)).toEqual(['/train/a.jpg']);
    expect(ds.splits.val!.map((i) => i.path)).toEqual(['/valid/b.jpg']);
    expect(ds.splits.test!.map((i) => i.path)).toEqual(['/test/c.jpg']);
    expect(ds.autoSplit).toBeUndefined();
  });

  it('images without any class list are refused with what was looked for', async () => {
    await expect(prepareFiles(filesOf({ 'images/a.jpg': synthJpeg(0), 'labels/a.txt': '0 0.5 0.5 0.1 0.1' })))
      .rejects.toThrow(/found 1 images but no a data\.yaml, obj\.data, COCO \.json, Pascal VOC \.xml or a class list/);
  });
});
