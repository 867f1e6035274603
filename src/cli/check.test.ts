// `yolo-studio check` end to end: a data.yaml, a zip and a broken folder, printed report and --json.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dirFiles, zipOf } from '../core/data/formats/testing';
import { SHARED_DIR } from '../../test/refs';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'ys-check-'));
const cli = (...args: string[]) => run('node', ['bin/yolo-studio.js', 'check', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
const synth = resolve(SHARED_DIR, 'datasets/synth');

describe('yolo-studio check', () => {
  it('synth data.yaml: upstream scanning lines per split, per-class table, --json', async () => {
    const out = join(tmp, 'synth.json');
    const { stdout } = await cli('--data', join(synth, 'data.yaml'), '--json', out);
    expect(stdout).toContain(`train: Scanning '${synth}/labels/train' images and labels... 200 found, 0 missing, 0 empty, 0 corrupt`);
    expect(stdout).toContain('train: 200 images, 0 backgrounds, 0 corrupt');
    expect(stdout).toContain('val: 50 images, 0 backgrounds, 0 corrupt');
    expect(stdout).toMatch(/^\s+triangle\s+112\s+156\s+28\s+38$/m);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.splits.train).toEqual({ images: 200, backgrounds: 0, corrupt: 0, instances: 485, duplicates_removed: 0, found: 200, missing: 0, empty: 0 });
    expect(j.splits.val).toMatchObject({ images: 50, instances: 104 });
    expect(j.problems).toEqual([]);
    expect(j.per_class[2]).toEqual({ id: 2, name: 'triangle', train: { images: 112, instances: 156 }, val: { images: 28, instances: 38 }, instances: 194, images: 140 });
    expect(j.blocks_training).toBe(false);
  });

  it('coco128 as a zip: 126 images, 2 backgrounds, and the repeated-split warning', async () => {
    const zipPath = join(tmp, 'coco128.zip');
    writeFileSync(zipPath, await zipOf(dirFiles(resolve(SHARED_DIR, 'datasets/coco128'), 'coco128/')));
    const { stdout } = await cli('--data', zipPath);
    expect(stdout).toContain("Dataset 'coco128' (yolo): 80 classes");
    expect(stdout).toContain("train: Scanning '/coco128/labels/train2017' images and labels... 126 found, 2 missing, 0 empty, 0 corrupt");
    expect(stdout).toContain('train: 126 images, 2 backgrounds, 0 corrupt');
    expect(stdout).toContain('WARNING  /coco128/data.yaml: val is the same 128 images as train');
    expect(stdout).toMatch(/^\s+person\s+61\s+254\s+61\s+254$/m);
  });

  it('a broken folder: each dropped file with its reason and line, a val split made, exit 1 for class 99', async () => {
    const dir = join(tmp, 'broken');
    mkdirSync(join(dir, 'images'), { recursive: true });
    mkdirSync(join(dir, 'labels'), { recursive: true });
    writeFileSync(join(dir, 'classes.txt'), 'a\nb\nc\n');
    const labels = ['0 0.5 0.5 0.2 0.2', '1 0.5 0.5 0.2 0.2\n0 0.1 0.1 0.1 0.1 0.5', '99 0.5 0.5 0.2 0.2', null, '2 0.5 0.5 0.1 0.1'];
    for (let k = 0; k < 10; k++) {
      copyFileSync(join(synth, `images/train/train_${String(k).padStart(4, '0')}.jpg`), join(dir, `images/im${k}.jpg`));
      const lb = labels[k] === undefined ? '0 0.3 0.3 0.1 0.1' : labels[k];
      if (lb !== null) writeFileSync(join(dir, `labels/im${k}.txt`), `${lb}\n`);
    }
    writeFileSync(join(dir, 'images/fake.jpg'), 'not an image');
    const out = join(tmp, 'broken.json');
    const err = await cli('--data', dir, '--json', out, '--val-fraction', '0.2').then(() => undefined, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(err?.code).toBe(1);
    const { stdout, stderr } = err!;
    expect(stdout).toContain(`DROPPED  ${dir}/labels/im1.txt:2: labels require 5 columns, 6 columns detected (image ${dir}/images/im1.jpg) [label_columns]`);
    expect(stdout).toContain(`DROPPED  ${dir}/labels/im2.txt:1: class 99 exceeds nc=3 (classes are 0..2) (image ${dir}/images/im2.jpg) [label_class_range]`);
    expect(stdout).toMatch(new RegExp(`DROPPED  ${dir}/images/fake\\.jpg: ignoring corrupt image: .* \\[image_unsupported\\]`));
    expect(stdout).toContain(`train: Scanning '${dir}/labels' images and labels... 9 found, 1 missing, 0 empty, 3 corrupt`);
    expect(stdout).toContain('val: no val split: 2 of the train images split off (20%, stratified by class, seed 0; --val-fraction, --seed)');
    expect(stderr).toContain('training cannot start: 1 label file(s) use class ids beyond the 3 names (largest 99');
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.splits.train.images + j.splits.val.images).toBe(8);
    expect(j.splits.val.images).toBe(2);
    expect(j.problems).toContainEqual(expect.objectContaining({ file: `${dir}/labels/im1.txt`, line: 2, code: 'label_columns', message: 'labels require 5 columns, 6 columns detected' }));
    expect(j.problems.find((p: { code: string }) => p.code === 'image_unsupported')).toMatchObject({ file: `${dir}/images/fake.jpg`, line: null });
    expect(j.blocks_training).toBe(true);
    expect(j.dataset.auto_split).toEqual({ val_fraction: 0.2, seed: 0 });
  });

  it('a COCO json given directly finds its images beside its annotations/ folder', async () => {
    const dir = join(tmp, 'coco');
    mkdirSync(join(dir, 'annotations'), { recursive: true });
    mkdirSync(join(dir, 'train2017'), { recursive: true });
    const images = [0, 1, 2, 3].map((k) => ({ id: k, file_name: `im${k}.jpg`, width: 256, height: 256 }));
    const annotations = images.map((im) => ({ id: 10 + im.id, image_id: im.id, category_id: 5, bbox: [10, 20, 50, 100], iscrowd: 0 }));
    writeFileSync(join(dir, 'annotations/instances_train2017.json'), JSON.stringify({ images, annotations, categories: [{ id: 5, name: 'shape' }] }));
    for (const k of [0, 1, 2, 3]) copyFileSync(join(synth, `images/train/train_000${k}.jpg`), join(dir, `train2017/im${k}.jpg`));
    const out = join(tmp, 'coco.json');
    const { stdout } = await cli('--data', join(dir, 'annotations/instances_train2017.json'), '--json', out);
    expect(stdout).toContain("Dataset 'coco' (coco): 1 classes");
    expect(stdout).toContain(`train: Scanning '${dir}/annotations' images and labels... 4 found, 0 missing, 0 empty, 0 corrupt`);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect([j.splits.train.images, j.splits.val.images]).toEqual([3, 1]);
    expect(j.per_class).toEqual([{ id: 0, name: 'shape', train: { images: 3, instances: 3 }, val: { images: 1, instances: 1 }, instances: 4, images: 4 }]);
  });

  it('usage errors exit 2', async () => {
    const err = await cli().then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('check needs --data');
  });
});
