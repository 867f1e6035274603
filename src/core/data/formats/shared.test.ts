// The shared datasets (coco128, synth) read from disk and from zips made of them here, giving the same dataset.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFs } from '../testing';
import { unzipToFiles } from '../zip';
import { prepareDataset, type PreparedDataset } from './prepare';
import { dirFiles, nodeVerify, prepareFiles, SHARED, zipOf } from './testing';

const fromDisk = (dir: string) =>
  prepareDataset({ fs: nodeFs, root: dir, bytes: async (p) => new Uint8Array(await readFile(p)) }, nodeVerify);

async function fromZip(dir: string, name: string): Promise<PreparedDataset> {
  const zip = await zipOf(dirFiles(dir, `${name}/`));
  return prepareFiles(await unzipToFiles(zip, {}, `${name}.zip`), { name });
}

/** Image path below the dataset folder -> its label rows, for comparing a disk read with a zip read. */
function labelsByPath(ds: PreparedDataset, root: string, split: 'train' | 'val'): Map<string, number[]> {
  return new Map(ds.splits[split]!.map((im) => [path.posix.relative(root, im.path), Array.from(im.labels)]));
}

describe('coco128', () => {
  const dir = path.join(SHARED, 'datasets/coco128');

  it('from disk and from a zip: upstream counts (126 found, 2 missing, 929 instances) and the same labels', async () => {
    const disk = await fromDisk(dir);
    const zip = await fromZip(dir, 'coco128');
    for (const ds of [disk, zip]) {
      expect(ds.format).toBe('yolo');
      expect(ds.name).toBe('coco128');
      expect(ds.names).toHaveLength(80);
      expect(ds.report.splits.train).toMatchObject({ found: 126, missing: 2, empty: 0, corrupt: 0, images: 128, backgrounds: 2, instances: 929 });
      expect(ds.report.splits.val).toMatchObject({ images: 128, instances: 929 });
      expect(ds.report.problems.map((p) => p.code)).toEqual(['split_repeated']);
      expect(ds.stats.train!.perClass[0]).toEqual({ id: 0, name: 'person', instances: 254, images: 61 });
      expect(ds.report.blocksTraining).toBe(false);
    }
    expect(disk.splits.train[0].path).toBe(path.join(dir, 'images/train2017/000000000009.jpg'));
    expect(zip.splits.train[0].path).toBe('/coco128/images/train2017/000000000009.jpg');
    expect(labelsByPath(zip, '/coco128', 'train')).toEqual(labelsByPath(disk, dir, 'train'));
    const shape = disk.splits.train[0];
    expect([shape.width, shape.height]).toEqual([640, 480]);
  });
});

describe('synth', () => {
  const dir = path.join(SHARED, 'datasets/synth');

  it('from disk and from a zip: 200 + 50 images, 485 + 104 instances, identical labels', async () => {
    const disk = await fromDisk(dir);
    const zip = await fromZip(dir, 'synth');
    for (const ds of [disk, zip]) {
      expect(ds.names).toEqual(['rectangle', 'circle', 'triangle']);
      expect(ds.report.splits.train).toMatchObject({ found: 200, missing: 0, corrupt: 0, images: 200, instances: 485 });
      expect(ds.report.splits.val).toMatchObject({ found: 50, images: 50, instances: 104 });
      expect(ds.report.problems).toEqual([]);
      expect(ds.stats.val!.perClass.map((c) => c.instances)).toEqual([28, 38, 38]);
    }
    expect(labelsByPath(zip, '/synth', 'val')).toEqual(labelsByPath(disk, dir, 'val'));
  });
});
