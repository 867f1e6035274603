import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelError } from './errors';
import { parseLabels } from './labels';
import { labelPathFor } from './paths';
import { SHARED } from './testing';

function fails(text: string, code: string, line: number, message: RegExp, nc?: number) {
  try {
    parseLabels(text, 'labels/a.txt', { nc });
  } catch (e) {
    expect(e).toBeInstanceOf(LabelError);
    const err = e as LabelError;
    expect([err.code, err.file, err.line]).toEqual([code, 'labels/a.txt', line]);
    expect(err.message).toMatch(new RegExp(`^labels/a\\.txt:${line}: `));
    expect(err.message).toMatch(message);
    return;
  }
  throw new Error('expected parseLabels to throw');
}

describe('parseLabels', () => {
  it('parses rows to float32 [cls, cx, cy, w, h], skipping blank lines', () => {
    const set = parseLabels('0 0.5 0.5 0.2 0.1\n\n  2 0.1 0.9 1 1e-1  \r\n', 'a.txt');
    expect(set.n).toBe(2);
    expect(Array.from(set.rows)).toEqual([0, 0.5, 0.5, 0.2, 0.1, 2, 0.1, 0.9, 1, 0.1].map(Math.fround));
    expect(set.duplicatesRemoved).toBe(0);
  });

  it('treats an empty or whitespace-only file as a background image', () => {
    expect(parseLabels('', 'a.txt').n).toBe(0);
    expect(parseLabels('\n  \n', 'a.txt').rows).toHaveLength(0);
  });

  it('removes duplicate rows and then orders rows as np.unique does', () => {
    const set = parseLabels('1 0.5 0.5 0.2 0.2\n0 0.9 0.1 0.1 0.1\n1 0.5 0.5 0.2 0.2\n0 0.3 0.1 0.1 0.1\n', 'a.txt');
    expect(set.duplicatesRemoved).toBe(1);
    expect(set.n).toBe(3);
    expect(Array.from(set.rows)).toEqual([0, 0.3, 0.1, 0.1, 0.1, 0, 0.9, 0.1, 0.1, 0.1, 1, 0.5, 0.5, 0.2, 0.2].map(Math.fround));
  });

  it('keeps the file order when there are no duplicates', () => {
    const set = parseLabels('2 0.5 0.5 0.2 0.2\n0 0.9 0.1 0.1 0.1\n', 'a.txt');
    expect(set.rows[0]).toBe(2);
  });

  it('turns polygon rows into their bounding boxes (segments2boxes)', () => {
    const set = parseLabels('3 0.1 0.2 0.5 0.2 0.5 0.6 0.1 0.6\n', 'a.txt');
    expect(set.fromSegments).toBe(true);
    const f = Math.fround;
    expect(Array.from(set.rows)).toEqual([3, f(f(f(0.1) + f(0.5)) / 2), f(f(f(0.2) + f(0.6)) / 2), f(f(0.5) - f(0.1)), f(f(0.6) - f(0.2))]);
  });

  it('names file and line for malformed rows', () => {
    fails('0 0.5 0.5 0.2 0.2\n0 0.5 abc 0.2 0.2\n', 'label_not_numeric', 2, /column 3 is not a number: "abc"/);
    fails('0 0.5 0.5 0.2 nan\n', 'label_not_finite', 1, /column 5 is nan/);
    fails('0 0.5 0.5 0.2\n', 'label_columns', 1, /labels require 5 columns, 4 columns detected/);
    fails('0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2 0.9\n', 'label_columns', 2, /6 columns detected/);
    fails('0 0.5 0.5 -0.2 0.2\n', 'label_negative', 1, /negative label value -0\.2.* column 4/);
    fails('0 0.5 1.5 0.2 0.2\n', 'label_out_of_range', 1, /out of bounds coordinate 1\.5 in column 3/);
    fails('0 0.1 0.2 0.3 0.4 0.5 0.6 0.7\n', 'label_segment', 1, /x y pairs/);
    fails('1 0.5 0.5 0.2 0.2\n99 0.5 0.5 0.2 0.2\n', 'label_class_range', 2, /class 99 exceeds nc=3/, 3);
  });

  it('accepts every label file of the shared datasets; coco128 images have the 929 instances val.py counts', () => {
    const count = (dir: string) => {
      const full = path.join(SHARED, 'datasets', dir);
      return readdirSync(full).reduce((n, f) => n + parseLabels(readFileSync(path.join(full, f), 'utf8'), f, { nc: 80 }).n, 0);
    };
    // coco128's labels folder also holds two files without an image (656, 659: 12 rows); two images have no labels
    const images = readdirSync(path.join(SHARED, 'datasets/coco128/images/train2017')).map((f) => path.join(SHARED, 'datasets/coco128/images/train2017', f));
    const instances = images.reduce((n, img) => {
      const lf = labelPathFor(img);
      return n + (existsSync(lf) ? parseLabels(readFileSync(lf, 'utf8'), lf).n : 0);
    }, 0);
    expect(instances).toBe(929); // reference/pretrained_val.json: all.instances
    expect(count('coco128/labels/train2017')).toBe(941);
    expect(count('synth/labels/train')).toBeGreaterThan(0);
    expect(count('synth/labels/val')).toBeGreaterThan(0);
  });
});
