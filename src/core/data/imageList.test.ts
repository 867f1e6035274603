import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataYaml } from './dataYaml';
import { DataConfigError } from './errors';
import { memoryFs, resolveImageList } from './imageList';
import { compareCodePoints, dirnamePath, isImagePath, joinPath, labelPathFor, normalizePath } from './paths';
import { SHARED, nodeFs } from './testing';

describe('paths', () => {
  it('labelPathFor swaps the LAST /images/ for /labels/ and the extension for .txt (img2label_paths)', () => {
    expect(labelPathFor('/d/images/train/a.jpg')).toBe('/d/labels/train/a.txt');
    expect(labelPathFor('/images/x/images/b.JPEG')).toBe('/images/x/labels/b.txt');
    expect(labelPathFor('/d/imgs/c.v2.png')).toBe('/d/imgs/c.v2.txt');
    expect(labelPathFor('images/d.jpg')).toBe('images/d.txt'); // no '/images/' with a slash before it: unchanged folder
  });

  it('isImagePath uses upstream IMG_FORMATS, case-insensitively', () => {
    expect(['a.jpg', 'b.JPEG', 'c.webp', 'd.tif', 'e.bmp', 'f.mpo', 'g.dng', 'h.pfm'].every(isImagePath)).toBe(true);
    expect(['a.gif', 'b.txt', 'jpg', 'c.jpg.bak'].some(isImagePath)).toBe(false);
  });

  it('normalizes and joins POSIX paths like os.path', () => {
    expect(normalizePath('/a/./b//c/../d')).toBe('/a/b/d');
    expect(normalizePath('../a/../../b')).toBe('../../b');
    expect(normalizePath('/..')).toBe('/');
    expect(normalizePath('a/..')).toBe('.');
    expect(joinPath('/x/y', '../z', 'w.jpg')).toBe('/x/z/w.jpg');
    expect(joinPath('/x', '/abs')).toBe('/abs');
    expect(dirnamePath('a.yaml')).toBe('.');
    expect(dirnamePath('/a.yaml')).toBe('/');
  });

  it('sorts by code point like Python (astral characters after U+E000..U+FFFF)', () => {
    const names = ['b', '\u{1F600}', '\uFF21', 'a', 'B'];
    expect([...names].sort(compareCodePoints)).toEqual(['B', 'a', 'b', '\uFF21', '\u{1F600}']);
    expect([...names].sort()).not.toEqual(['B', 'a', 'b', '\uFF21', '\u{1F600}']); // what JS alone would do
  });
});

describe('resolveImageList', () => {
  const cfg = parseDataYaml(
    'train: [images/train, extra/list.txt]\nval: ../valid/images\ntest: nowhere\nnames: [a]\n',
    'ds/data.yaml',
  );
  const files = [
    'ds/images/train/b.jpg',
    'ds/images/train/a.PNG',
    'ds/images/train/sub/c.webp',
    'ds/images/train/notes.txt',
    'ds/images/train/.hidden.jpg',
    'ds/images/train/.cache/d.jpg',
    'ds/extra/list.txt',
    'ds/extra/imgs/e.jpg',
    'ds/valid/images/v.jpg',
  ];
  const lists: Record<string, string> = { 'ds/extra/list.txt': './imgs/e.jpg\r\n\n  imgs/f.bmp \n/abs/g.tif\nreadme.md\n' };
  const fs = memoryFs(files, (p) => lists[p] ?? null);

  it('globs folders recursively, reads list files, filters by extension and sorts', () => {
    expect(resolveImageList(cfg.train, fs)).toEqual([
      '/abs/g.tif',
      'ds/extra/imgs/e.jpg',
      'ds/extra/imgs/f.bmp',
      'ds/images/train/a.PNG',
      'ds/images/train/b.jpg',
      'ds/images/train/sub/c.webp',
    ]);
  });

  it('falls back from ../valid to valid next to the yaml (Roboflow exports)', () => {
    expect(resolveImageList(cfg.val!, fs)).toEqual(['ds/valid/images/v.jpg']);
  });

  it('names the missing path and the yaml (with line) when a split does not exist', () => {
    try {
      resolveImageList(cfg.test!, fs);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(DataConfigError);
      expect((e as DataConfigError).code).toBe('path_not_found');
      expect((e as Error).message).toBe("ds/data.yaml:3: test: 'nowhere' -> ds/nowhere does not exist");
    }
  });

  it('refuses a split with no images', () => {
    const empty = memoryFs(['ds/images/train/readme.txt', 'ds/extra/list.txt', 'ds/valid/images/x.gif'], () => '');
    expect(() => resolveImageList(cfg.val!, empty)).toThrow(/val: no images found in \.\.\/valid\/images/);
  });

  it('lists the shared datasets from disk: coco128 (128) and synth val (50), as upstream sorts them', () => {
    const fsNode = nodeFs;
    const coco = path.join(SHARED, 'datasets/coco128/data.yaml');
    const cocoList = resolveImageList(parseDataYaml(readFileSync(coco, 'utf8'), coco).val!, fsNode);
    expect(cocoList).toHaveLength(128);
    expect(path.basename(cocoList[0])).toBe('000000000009.jpg');
    expect(labelPathFor(cocoList[0])).toBe(path.join(SHARED, 'datasets/coco128/labels/train2017/000000000009.txt'));
    const synth = path.join(SHARED, 'datasets/synth/data.yaml');
    const synthList = resolveImageList(parseDataYaml(readFileSync(synth, 'utf8'), synth).val!, fsNode);
    expect(synthList).toHaveLength(50);
    expect(synthList.map((f) => path.basename(f))).toEqual(Array.from({ length: 50 }, (_, i) => `val_${String(i).padStart(4, '0')}.jpg`));
  });

  it('reports a missing val folder on disk with the yaml path', () => {
    const yaml = path.join(SHARED, 'datasets/synth/data.yaml');
    const cfgMissing = parseDataYaml('train: images/train\nval: images/nope\nnames: [a]\n', yaml);
    expect(() => resolveImageList(cfgMissing.val!, nodeFs)).toThrow(`${yaml}:2: val: 'images/nope' -> ${path.join(SHARED, 'datasets/synth/images/nope')} does not exist`);
  });
});
