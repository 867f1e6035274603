import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataYaml } from './dataYaml';
import { DataConfigError } from './errors';
import { SHARED } from './testing';

function fails(text: string, code: string, message: RegExp, line?: number) {
  try {
    parseDataYaml(text, '/data/ds/data.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(DataConfigError);
    const err = e as DataConfigError;
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.file).toBe('/data/ds/data.yaml');
    expect(err.message.startsWith('/data/ds/data.yaml')).toBe(true);
    if (line !== undefined) expect(err.line).toBe(line);
    return;
  }
  throw new Error('expected parseDataYaml to throw');
}

describe('parseDataYaml', () => {
  it('reads the shared coco128 yaml: root is the yaml folder, 80 names from an {id: name} map', () => {
    const file = path.join(SHARED, 'datasets/coco128/data.yaml');
    const cfg = parseDataYaml(readFileSync(file, 'utf8'), file);
    expect(cfg.path).toBe(path.join(SHARED, 'datasets/coco128'));
    expect(cfg.nc).toBe(80);
    expect(cfg.names[0]).toBe('person');
    expect(cfg.names[79]).toBe('toothbrush');
    expect(cfg.train.entries).toEqual([{ raw: 'images/train2017', path: path.join(SHARED, 'datasets/coco128/images/train2017') }]);
    expect(cfg.val!.entries[0].path).toBe(path.join(SHARED, 'datasets/coco128/images/train2017'));
    expect(cfg.test).toBeUndefined();
  });

  it('resolves relative, absolute and missing `path` against the yaml folder, and `..` in entries', () => {
    const names = 'names: [a, b]\n';
    expect(parseDataYaml(`path: ../other\ntrain: t\nval: v\n${names}`, '/d/ds/data.yaml').train.entries[0].path).toBe('/d/other/t');
    expect(parseDataYaml(`path: /abs/root\ntrain: t\nval: v\n${names}`, '/d/ds/data.yaml').val!.entries[0].path).toBe('/abs/root/v');
    expect(parseDataYaml(`train: ./images/../imgs\nval: /x/v.txt\n${names}`, '/d/ds/data.yaml').train.entries[0].path).toBe('/d/ds/imgs');
    // a yaml at the root of a dropped folder or zip
    const cfg = parseDataYaml(`train: images/train\nval: images/val\n${names}`, 'data.yaml');
    expect(cfg.path).toBe('.');
    expect(cfg.train.entries[0].path).toBe('images/train');
  });

  it('keeps the Roboflow ../ fallback and lists of folders/files', () => {
    const cfg = parseDataYaml('train: ../train/images\nval: [../valid/images, extra.txt]\nnc: 1\nnames: [x]\n', 'exp/data.yaml');
    expect(cfg.train.entries[0]).toEqual({ raw: '../train/images', path: 'train/images', alt: 'exp/train/images' });
    expect(cfg.val!.entries.map((e) => e.path)).toEqual(['valid/images', 'exp/extra.txt']);
    expect(cfg.val!.line).toBe(2);
  });

  it('accepts names as a map in any order, and numbers as names', () => {
    const cfg = parseDataYaml('train: t\nval: v\nnames:\n  1: dog\n  0: 7\n', '/d/data.yaml');
    expect(cfg.names).toEqual(['7', 'dog']);
  });

  it('allows a yaml without val when asked (the importer splits train itself)', () => {
    expect(parseDataYaml('train: t\nnames: [a]\n', '/d/data.yaml', { requireVal: false }).val).toBeUndefined();
  });

  it('reports missing keys, nc mismatches and bad names with file and line', () => {
    fails('train: t\nval: v\n', 'missing_key', /'names:' field missing/);
    fails('val: v\nnames: [a]\n', 'missing_key', /'train:' field missing/);
    fails('train: t\nnames: [a]\n', 'missing_key', /'val:' field missing/);
    fails('train: t\nval: v\nnc: 3\nnames: [a, b]\n', 'nc_mismatch', /nc: 3 but 'names' has 2 entries/, 3);
    fails('train: t\nval: v\nnc: two\nnames: [a, b]\n', 'bad_names', /'nc' must be a positive integer/, 3);
    fails('train: t\nval: v\nnames:\n  0: a\n  2: c\n', 'bad_names', /1 is missing/, 3);
    fails('train: t\nval: v\nnames:\n  0: a\n  cat: c\n', 'bad_names', /keys must be integers/, 5);
    fails('train: t\nval: v\nnames: []\n', 'bad_names', /empty/, 3);
    fails('train: t\nval: v\nnames: [a, [b]]\n', 'bad_names', /names\[1\]/);
    fails('train: t\nval: v\nnames: person\n', 'bad_names', /list or a \{id: name\} mapping/, 3);
    fails('train: [t, 3]\nval: v\nnames: [a]\n', 'bad_path', /'train' must be a folder/, 1);
    fails('path: 5\ntrain: t\nval: v\nnames: [a]\n', 'bad_path', /'path' must be a folder path/, 1);
  });

  it('reports yaml syntax errors and non-mapping documents with their line', () => {
    fails('train: t\nval: [v\nnames: [a]\n', 'yaml_syntax', /./);
    fails('- just\n- a list\n', 'yaml_not_mapping', /expected a mapping/);
  });
});
