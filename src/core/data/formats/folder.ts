// A folder of images and YOLO label files with a class list but no data.yaml: Label Studio and CVAT exports, hand-made
// datasets. The class list is classes.txt, obj.names or labels.txt; labels are found by upstream's img2label rule
// (images/x.jpg -> labels/x.txt, otherwise x.txt beside the image). Folders named train / val / valid / test become
// those splits; without them everything is train and a val split is made after verification.
import type { SplitName } from '../dataYaml';
import { DataConfigError } from '../errors';
import { dirnamePath, isImagePath } from '../paths';
import { basename, depthBelow, labelDirOf, parseNamesList, splitOfName, visibleFiles, yoloEntries } from './common';
import { datasetName } from './yolo';
import { SPLITS, type DatasetSource, type ImportedDataset } from './types';

/** Class list file names, in order of preference when several sit at the same depth. */
export const NAMES_FILES: readonly string[] = ['classes.txt', 'obj.names', 'labels.txt'];

/** The shallowest class list file below `root`, preferring the order of NAMES_FILES. */
export function findNamesFile(files: string[], root: string): string | undefined {
  const rank = (f: string) => depthBelow(root, f) * NAMES_FILES.length + NAMES_FILES.indexOf(basename(f));
  return files.filter((f) => NAMES_FILES.includes(basename(f))).sort((a, b) => rank(a) - rank(b))[0];
}

export function importFolder(source: DatasetSource, namesPath: string): ImportedDataset {
  const { fs } = source;
  const names = parseNamesList(fs.readText(namesPath));
  if (!names.length) throw new DataConfigError('bad_names', 'the class list is empty', { file: namesPath });
  const root = dirnamePath(namesPath);
  const images = visibleFiles(fs, root).filter(isImagePath);
  if (!images.length) throw new DataConfigError('no_images', `no images found below ${root}`, { file: namesPath });

  // The first folder (below the root) whose name names a split decides the image's split.
  const bySplit = new Map<SplitName, string[]>();
  for (const img of images) {
    const dirs = img.slice(root === '/' ? 1 : root.length + 1).split('/').slice(0, depthBelow(root, img));
    const s = dirs.map(splitOfName).find((v) => v !== undefined) ?? 'train';
    const list = bySplit.get(s);
    if (list) list.push(img);
    else bySplit.set(s, [img]);
  }
  const splits: ImportedDataset['splits'] = { train: [] };
  const scanDirs: ImportedDataset['scanDirs'] = {};
  const layout = bySplit.has('train') ? SPLITS : [];
  for (const s of layout) {
    const list = bySplit.get(s);
    if (!list) continue;
    splits[s] = yoloEntries(list, fs);
    scanDirs[s] = labelDirOf(splits[s]);
  }
  if (!layout.length) {
    // val/test folders but no train folder: nothing says which images are for training, so all are
    splits.train = yoloEntries(images, fs);
    scanDirs.train = labelDirOf(splits.train);
  }
  return {
    name: datasetName(root, namesPath),
    format: 'folder',
    names,
    namesFile: namesPath,
    splits,
    scanDirs,
    problems: [],
    notes: [],
  };
}
