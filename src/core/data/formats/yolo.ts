// Ultralytics YOLO layout: a data.yaml (Ultralytics, Roboflow "YOLOv5 PyTorch" export) naming the splits and the
// classes, labels found by upstream's img2label rule.
import { YoloError } from '../../errors';
import { parseDataYaml, type SplitName, type SplitSpec } from '../dataYaml';
import { DataConfigError } from '../errors';
import { resolveImageList, type DatasetFs } from '../imageList';
import { basename, labelDirOf, stem, yoloEntries } from './common';
import type { DatasetSource, ImageEntry, ImportedDataset, Problem } from './types';

export function importYoloYaml(source: DatasetSource, yamlPath: string): ImportedDataset {
  const { fs } = source;
  const data = parseDataYaml(fs.readText(yamlPath), yamlPath, { requireVal: false });
  const problems: Problem[] = [];
  const train = yoloEntries(resolveImageList(data.train, fs), fs);
  const val = data.val ? yoloEntries(resolveImageList(data.val, fs), fs) : undefined;
  const test = data.test ? optionalSplit(data.test, fs, problems) : undefined;
  return {
    name: datasetName(data.path, yamlPath),
    format: 'yolo',
    names: data.names,
    namesFile: yamlPath,
    namesLine: data.lines.names,
    splits: { train, ...(val && { val }), ...(test && { test }) },
    scanDirs: { train: labelDirOf(train), val: labelDirOf(val), test: labelDirOf(test) },
    problems,
    notes: [],
  };
}

/**
 * Upstream never reads the test split while training, so a missing test folder (Roboflow yamls name one the export
 * may not contain) is a warning, not a reason to refuse the dataset.
 */
export function optionalSplit(spec: SplitSpec, fs: DatasetFs, problems: Problem[]): ImageEntry[] | undefined {
  try {
    return yoloEntries(resolveImageList(spec, fs), fs);
  } catch (e) {
    if (!(e instanceof DataConfigError) || (e.code !== 'path_not_found' && e.code !== 'no_images')) throw e;
    problems.push(warningOf(e, spec.split));
    return undefined;
  }
}

function warningOf(e: YoloError, split: SplitName): Problem {
  const message = e.file ? e.message.slice(e.message.indexOf(': ') + 2) : e.message;
  return { file: e.file ?? '', line: e.line, code: e.code, message: `${message}; the ${split} split is left out`, action: 'warning', split };
}

/** The dataset root's folder name ('coco128'), or the yaml's stem when the root is '/' (an unnamed drop). */
export function datasetName(root: string, file: string): string {
  return root === '/' || root === '.' ? stem(file) : basename(root);
}
