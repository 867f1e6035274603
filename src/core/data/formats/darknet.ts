// Darknet / CVAT "YOLO 1.1" export: obj.data (`classes = N`, `train = data/train.txt`, `valid = ...`,
// `names = data/obj.names`), list files of image paths, and each image's label .txt beside it. CVAT writes every
// path relative to a `data/` folder the zip is meant to be unpacked into; when a path does not exist as written, the
// same path without that first `data/` is tried.
import type { SplitName, SplitSpec } from '../dataYaml';
import { DataConfigError } from '../errors';
import { resolveImageList, type DatasetFs } from '../imageList';
import { dirnamePath, isAbsolutePath, joinPath } from '../paths';
import { labelDirOf, parseNamesList, yoloEntries } from './common';
import { datasetName, optionalSplit } from './yolo';
import type { DatasetSource, ImageEntry, ImportedDataset, Problem } from './types';

interface DataKey {
  value: string;
  line: number;
}

export function importDarknet(source: DatasetSource, dataPath: string): ImportedDataset {
  const { fs } = source;
  const dir = dirnamePath(dataPath);
  const keys = new Map<string, DataKey>();
  fs.readText(dataPath).split(/\r\n|\r|\n/).forEach((raw, i) => {
    const eq = raw.indexOf('=');
    if (raw.trim().startsWith('#') || eq < 0) return;
    keys.set(raw.slice(0, eq).trim().toLowerCase(), { value: raw.slice(eq + 1).trim(), line: i + 1 });
  });

  const namesKey = keys.get('names');
  const namesPath = (namesKey && locate(fs, dir, namesKey.value)) ?? (fs.stat(joinPath(dir, 'obj.names')) === 'file' ? joinPath(dir, 'obj.names') : undefined);
  if (!namesPath) {
    throw new DataConfigError('missing_key', namesKey ? `names file '${namesKey.value}' not found` : "no 'names =' entry and no obj.names beside it", {
      file: dataPath, line: namesKey?.line,
    });
  }
  const names = parseNamesList(fs.readText(namesPath));
  if (!names.length) throw new DataConfigError('bad_names', 'the class list is empty', { file: namesPath });
  const classes = keys.get('classes');
  if (classes && Number(classes.value) !== names.length) {
    throw new DataConfigError('nc_mismatch', `classes = ${classes.value} but ${namesPath} has ${names.length} names`, { file: dataPath, line: classes.line });
  }

  const problems: Problem[] = [];
  const split = (name: SplitName, key: string | undefined, required: boolean): ImageEntry[] | undefined => {
    const k = key ? keys.get(key) : undefined;
    if (!k) {
      if (required) throw new DataConfigError('missing_key', `'${name} =' entry missing`, { file: dataPath });
      return undefined;
    }
    const listPath = locate(fs, dir, k.value) ?? joinPath(dir, k.value);
    const spec: SplitSpec = { split: name, entries: [{ raw: k.value, path: listPath }], file: dataPath, line: k.line };
    const listFs = cvatListFs(fs, listPath, dir);
    return required ? yoloEntries(resolveImageList(spec, listFs), fs) : optionalSplit(spec, listFs, problems);
  };
  const train = split('train', 'train', true)!;
  const val = split('val', keys.has('valid') ? 'valid' : keys.has('val') ? 'val' : undefined, false);
  const test = split('test', 'test', false);
  return {
    name: datasetName(dir, dataPath),
    format: 'darknet',
    names,
    namesFile: namesPath,
    splits: { train, ...(val && { val }), ...(test && { test }) },
    scanDirs: { train: labelDirOf(train), val: labelDirOf(val), test: labelDirOf(test) },
    problems,
    notes: [],
  };
}

/** A path from obj.data or a list: as written (relative to `dir`), else without a leading 'data/'. */
function locate(fs: DatasetFs, dir: string, p: string): string | undefined {
  const tries = [isAbsolutePath(p) ? p : joinPath(dir, p)];
  if (p.startsWith('data/')) tries.push(joinPath(dir, p.slice(5)));
  return tries.find((t) => fs.stat(t) !== null);
}

/** The same file system, except that the list file's lines are rewritten to the paths that exist (see locate). */
function cvatListFs(fs: DatasetFs, listPath: string, dir: string): DatasetFs {
  return {
    ...fs,
    readText(p) {
      const text = fs.readText(p);
      if (p !== listPath) return text;
      const listDir = dirnamePath(listPath);
      return text
        .split(/\r\n|\r|\n/)
        .map((line) => {
          const x = line.trim();
          if (!x) return x;
          return locate(fs, listDir, x) ?? locate(fs, dir, x) ?? x;
        })
        .join('\n');
    },
  };
}
