// verify_image_label's checks, one bad input each, with the report entry (file, line, code, message) it must give.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesOf, prepareFiles, synthJpeg } from './formats/testing';
import type { PreparedDataset } from './formats/prepare';
import { assertTrainable } from './verify';

const yaml = 'path: .\ntrain: images/train\nval: images/val\nnames: [a, b, c]\n';

describe('verification of images and labels', () => {
  let ds: PreparedDataset;
  beforeAll(async () => {
    const tiny = new Uint8Array(await sharp({ create: { width: 8, height: 12, channels: 3, background: '#f00' } }).png().toBuffer());
    const gif = new Uint8Array(await sharp({ create: { width: 32, height: 32, channels: 3, background: '#0f0' } }).gif().toBuffer());
    const rotated = new Uint8Array(await sharp(synthJpeg(9)).resize(64, 32).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    const full = synthJpeg(1);
    const noEoi = new Uint8Array([...synthJpeg(2), 0x00, 0x00]);
    const L = (name: string) => `ds/labels/train/${name}.txt`;
    const I = (name: string) => `ds/images/train/${name}`;
    ds = await prepareFiles(filesOf({
      'ds/data.yaml': yaml,
      [I('good.jpg')]: synthJpeg(0), [L('good')]: '0 0.5 0.5 0.2 0.2\n',
      [I('bg.jpg')]: synthJpeg(3),
      [I('notimage.jpg')]: 'this is a text file, not a JPEG',
      [I('truncated.jpg')]: full.slice(0, full.length >> 1), [L('truncated')]: '0 0.5 0.5 0.2 0.2\n',
      [I('noeoi.jpg')]: noEoi, [L('noeoi')]: '1 0.5 0.5 0.2 0.2\n',
      [I('tiny.png')]: tiny,
      [I('gif.jpg')]: gif,
      [I('rotated.jpg')]: rotated,
      [I('six.jpg')]: synthJpeg(4), [L('six')]: '0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2 0.9\n',
      [I('nan.jpg')]: synthJpeg(5), [L('nan')]: '0 nan 0.5 0.2 0.2\n',
      [I('neg.jpg')]: synthJpeg(6), [L('neg')]: '\n1 0.5 0.5 -0.2 0.2\n',
      [I('cls99.jpg')]: synthJpeg(7), [L('cls99')]: '0 0.5 0.5 0.2 0.2\n99 0.5 0.5 0.2 0.2\n',
      [I('dup.jpg')]: synthJpeg(8), [L('dup')]: '2 0.1 0.1 0.1 0.1\n0 0.5 0.5 0.2 0.2\n2 0.1 0.1 0.1 0.1\n',
      [I('oor.jpg')]: synthJpeg(10), [L('oor')]: '0 1.5 0.5 0.2 0.2\n',
      [I('text.jpg')]: synthJpeg(11), [L('text')]: '0 0.5 x 0.2 0.2\n',
      'ds/images/val/v.jpg': synthJpeg(12), 'ds/labels/val/v.txt': '0 0.5 0.5 0.2 0.2\n',
    }));
  });
  const problem = (name: string) => {
    const hits = ds.report.problems.filter((p) => (p.image ?? p.file).endsWith(`/${name}`));
    expect(hits, name).toHaveLength(1);
    return hits[0];
  };
  const kept = () => ds.splits.train.map((i) => i.path.slice(i.path.lastIndexOf('/') + 1));

  it('keeps good images, backgrounds, EXIF-rotated images and repaired files', () => {
    expect(kept()).toEqual(['bg.jpg', 'dup.jpg', 'good.jpg', 'noeoi.jpg', 'rotated.jpg']);
    const rotated = ds.splits.train.find((i) => i.path.endsWith('rotated.jpg'))!;
    expect(rotated).toMatchObject({ width: 32, height: 64, orientation: 6 }); // stored 64x32, EXIF 6: exif_size swaps
    expect(ds.splits.train.find((i) => i.path.endsWith('bg.jpg'))!.labels.length).toBe(0);
    expect(ds.report.problems.some((p) => p.image?.endsWith('bg.jpg') || p.file.endsWith('bg.jpg'))).toBe(false);
  });

  it('drops unreadable, truncated, too small and unsupported images, saying why', () => {
    expect(problem('notimage.jpg')).toMatchObject({ action: 'dropped', code: 'image_unsupported', file: '/ds/images/train/notimage.jpg' });
    expect(problem('notimage.jpg').message).toMatch(/^ignoring corrupt image: cannot decode image: .*unsupported image format/);
    expect(problem('truncated.jpg')).toMatchObject({ action: 'dropped', code: 'image_truncated' });
    expect(problem('truncated.jpg').message).toMatch(/^corrupt JPEG: truncated \(no end-of-image marker FFD9\) and not decodable: /);
    expect(problem('tiny.png')).toMatchObject({ action: 'dropped', code: 'image_too_small', message: 'image size 8x12 < 10 pixels' });
    expect(problem('gif.jpg')).toMatchObject({ action: 'dropped', code: 'image_unsupported', message: 'ignoring corrupt image: unsupported image format gif' });
    expect(problem('noeoi.jpg')).toMatchObject({ action: 'fixed', code: 'jpeg_no_eoi' });
  });

  it('drops label files with bad rows, naming file, line and reason', () => {
    const lb = (name: string) => `/ds/labels/train/${name}.txt`;
    expect(problem('six.jpg')).toMatchObject({ file: lb('six'), line: 2, code: 'label_columns', message: 'labels require 5 columns, 6 columns detected' });
    expect(problem('nan.jpg')).toMatchObject({ file: lb('nan'), line: 1, code: 'label_not_finite', message: 'column 2 is nan: values must be finite numbers' });
    expect(problem('neg.jpg')).toMatchObject({ file: lb('neg'), line: 2, code: 'label_negative' });
    // labels.ts prints the float32 value as a double (-0.20000000298023224)
    expect(problem('neg.jpg').message).toMatch(/^negative label value -0\.2\d* in column 4$/);
    expect(problem('oor.jpg')).toMatchObject({ file: lb('oor'), line: 1, code: 'label_out_of_range' });
    expect(problem('text.jpg')).toMatchObject({ file: lb('text'), line: 1, code: 'label_not_numeric', message: 'column 3 is not a number: "x"' });
    expect(problem('cls99.jpg')).toMatchObject({ file: lb('cls99'), line: 2, code: 'label_class_range', action: 'dropped', image: '/ds/images/train/cls99.jpg' });
    expect(problem('cls99.jpg').message).toBe('class 99 exceeds nc=3 (classes are 0..2)');
  });

  it('removes duplicate rows, counts them, keeps the image', () => {
    expect(problem('dup.jpg')).toMatchObject({ action: 'fixed', code: 'duplicate_labels', message: '1 duplicate labels removed', file: '/ds/labels/train/dup.txt' });
    const dup = ds.splits.train.find((i) => i.path.endsWith('dup.jpg'))!;
    expect(Array.from(dup.labels)).toEqual([0, 0.5, 0.5, 0.2, 0.2, 2, 0.1, 0.1, 0.1, 0.1].map(Math.fround)); // np.unique order
    expect(dup.duplicatesRemoved).toBe(1);
  });

  it('counts as upstream and blocks training for a class id beyond names', () => {
    expect(ds.report.splits.train).toMatchObject({
      found: 9, missing: 2, empty: 0, corrupt: 10, images: 5, backgrounds: 2, instances: 4, duplicatesRemoved: 1,
    });
    expect(ds.report.blocksTraining).toBe(true);
    expect(ds.report.blockers).toEqual([
      '1 label file(s) use class ids beyond the 3 names (largest 99, first at /ds/labels/train/cls99.txt:2): fix the labels or the names in /ds/data.yaml before training',
    ]);
    expect(() => assertTrainable(ds)).toThrow(/^training cannot start: 1 label file\(s\) use class ids beyond the 3 names/);
  });
});

describe('dataset-level checks', () => {
  it('a data.yaml whose names and nc disagree is refused with its line', async () => {
    const files = filesOf({ 'd/data.yaml': 'train: images\nval: images\nnc: 4\nnames: [a, b, c]\n', 'd/images/a.jpg': synthJpeg(0) });
    await expect(prepareFiles(files)).rejects.toThrow("/d/data.yaml:3: nc: 4 but 'names' has 3 entries");
  });

  it('no usable train image blocks training', async () => {
    const ds = await prepareFiles(filesOf({ 'd/data.yaml': yaml.replace('val: images/val\n', ''), 'd/images/train/a.jpg': 'broken' }));
    expect(ds.report.blockers).toEqual(['no usable images in the train split (1 corrupt, see the problems above)']);
  });

  it('a train split without a single box blocks training (upstream: "No labels found")', async () => {
    const ds = await prepareFiles(filesOf({ 'd/data.yaml': yaml, 'd/images/train/a.jpg': synthJpeg(0), 'd/images/val/b.jpg': synthJpeg(1) }));
    expect(ds.report.splits.train).toMatchObject({ images: 1, backgrounds: 1, missing: 1 });
    expect(ds.report.blockers).toEqual(['no labels in the train split (/d/labels/train): nothing to train on']);
  });

  it('duplicate file names across folders: fine when the images differ, reported when they are the same', async () => {
    const ds = await prepareFiles(filesOf({
      'd/data.yaml': 'train: train/images\nval: val/images\ntest: test.txt\nnames: [a]\n',
      'd/train/images/a.jpg': synthJpeg(0), 'd/val/images/a.jpg': synthJpeg(1), // same name, different images: fine
      'd/train/images/b.jpg': synthJpeg(2), 'd/val/images/b.jpg': synthJpeg(2), // same bytes in train and val
      'd/train/images/c.jpg': synthJpeg(3), 'd/train/images/c.png': synthJpeg(4), // both read train/labels/c.txt
      'd/train/labels/c.txt': '0 0.5 0.5 0.1 0.1\n',
      'd/test.txt': './val/images/a.jpg\n./train/images/a.jpg\n',
    }));
    const codes = ds.report.problems.map((p) => [p.code, p.file, p.message]);
    expect(codes).toEqual([
      ['duplicate_image', '/d/train/images/a.jpg', 'the same image is in train and test'],
      ['duplicate_image', '/d/val/images/a.jpg', 'the same image is in val and test'],
      ['duplicate_label_file', '/d/train/labels/c.txt', '/d/train/images/c.jpg and /d/train/images/c.png both take their labels from this file (same name, different extension?)'],
      ['duplicate_content', '/d/val/images/b.jpg', 'identical to /d/train/images/b.jpg in train: the same image is in train and val'],
    ]);
    expect(ds.report.problems.every((p) => p.action === 'warning')).toBe(true);
  });
});
