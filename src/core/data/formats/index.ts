// Any supported dataset layout -> ImportedDataset: finds which layout the files are in (or reads the file the caller
// names) and hands over to that reader. Order of detection: a data.yaml, a Darknet/CVAT obj.data, COCO json, Pascal
// VOC xml, a class list file beside images.
import { compareCodePoints, isImagePath } from '../paths';
import { basename, depthBelow, reportDuplicates, visibleFiles } from './common';
import { importCoco, looksLikeCoco } from './coco';
import { importDarknet } from './darknet';
import { findNamesFile, importFolder, NAMES_FILES } from './folder';
import { importVoc, looksLikeVoc } from './voc';
import { importYoloYaml } from './yolo';
import { DatasetFormatError, type DatasetSource, type ImportedDataset } from './types';

export interface ImportOptions {
  /** Read the dataset from this file (a data.yaml, obj.data, COCO .json or class list) instead of detecting it. */
  file?: string;
  /** The dataset's name (e.g. the zip's file name); default: the root folder's or the yaml's name. */
  name?: string;
}

/** A yaml is taken for a data.yaml when it has a top-level `train:` or `names:` key (a model yaml has neither). */
const DATA_YAML_KEY = /^(train|names)\s*:/m;

export function importDataset(source: DatasetSource, opts: ImportOptions = {}): ImportedDataset {
  const ds = opts.file ? fromFile(source, opts.file) : detect(source);
  if (opts.name) ds.name = opts.name;
  reportDuplicates(ds);
  return ds;
}

function fromFile(source: DatasetSource, file: string): ImportedDataset {
  if (source.fs.stat(file) !== 'file') throw new DatasetFormatError('unknown_format', 'no such file', { file });
  const lower = file.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return importYoloYaml(source, file);
  if (lower.endsWith('.data')) return importDarknet(source, file);
  // images are looked for below the source root (the CLI gives the json's parent folder: COCO keeps the json in
  // annotations/ beside train2017/, Roboflow keeps it beside the images)
  if (lower.endsWith('.json')) return importCoco(source, [file], source.root);
  if (NAMES_FILES.includes(basename(file))) return importFolder(source, file);
  throw new DatasetFormatError('unknown_format', `expected a data.yaml, obj.data, COCO .json or ${NAMES_FILES.join(' / ')}`, { file });
}

function detect(source: DatasetSource): ImportedDataset {
  const { fs, root } = source;
  const files = visibleFiles(fs, root);
  const shallowFirst = (list: string[], preferred?: string) =>
    list.sort((a, b) => depthBelow(root, a) - depthBelow(root, b) || Number(basename(b) === preferred) - Number(basename(a) === preferred) || compareCodePoints(a, b));
  const ext = (...exts: string[]) => files.filter((f) => exts.some((e) => f.toLowerCase().endsWith(e)));

  const yaml = shallowFirst(ext('.yaml', '.yml'), 'data.yaml').find((f) => DATA_YAML_KEY.test(fs.readText(f)));
  if (yaml) return importYoloYaml(source, yaml);
  const objData = shallowFirst(files.filter((f) => basename(f) === 'obj.data'))[0];
  if (objData) return importDarknet(source, objData);
  const coco = ext('.json').filter((f) => looksLikeCoco(fs.readText(f)));
  if (coco.length) return importCoco(source, coco, root);
  const xmls = ext('.xml');
  if (xmls.length && xmls.some((f) => looksLikeVoc(fs.readText(f)))) {
    return importVoc(source, xmls.filter((f) => looksLikeVoc(fs.readText(f))), root, findNamesFile(files, root));
  }
  const names = findNamesFile(files, root);
  if (names) return importFolder(source, names);
  const images = files.filter(isImagePath).length;
  const what = 'a data.yaml, obj.data, COCO .json, Pascal VOC .xml or a class list (classes.txt, obj.names, labels.txt)';
  if (images) throw new DatasetFormatError('no_names', `found ${images} images but no ${what} to name the classes`, { file: root });
  throw new DatasetFormatError('unknown_format', `no images and no dataset description (${what}) found`, { file: root });
}

export { memorySource, isTextPath, rootedPath, isJunkPath } from './source';
export { parseXml, type XmlElement } from './xml';
export { formatG } from './coco';
export { splitOfName } from './common';
export * from './types';
