// The one internal form every dataset layout (Ultralytics YOLO, Roboflow, CVAT, a plain folder, COCO JSON, Pascal
// VOC) is converted to before verification, and the problems found on the way.
import { YoloError } from '../../errors';
import type { SplitName } from '../dataYaml';
import type { DatasetFs } from '../imageList';

/**
 * One file of a dropped folder, an unpacked zip or a Node directory. `bytes` may be a function so that thousands of
 * images are read one at a time, when verification (or storage) needs them, instead of all at once.
 */
export interface InputFile {
  path: string;
  bytes: Uint8Array | (() => Promise<Uint8Array>);
}

/**
 * Where a dataset's files live: synchronous text access for the small files (yaml, lists, labels, json, xml) through
 * the same DatasetFs the data.yaml code uses, and lazy bytes for images.
 */
export interface DatasetSource {
  fs: DatasetFs;
  bytes(path: string): Promise<Uint8Array>;
  /** The folder the dataset was given as ('/' for in-memory files). */
  root: string;
}

/** What was done about a problem: the image left out, the image kept after a repair, or only a warning. */
export type ProblemAction = 'dropped' | 'fixed' | 'warning';

export interface Problem {
  /** The offending file: the image, its label file, the data.yaml / json / xml. */
  file: string;
  /** 1-based line in `file`, where there is one. */
  line?: number;
  /** Stable code (the Error subclasses' codes, plus the import/verify ones). */
  code: string;
  message: string;
  action: ProblemAction;
  /** The image concerned, when `file` is its label or annotation file. */
  image?: string;
  split?: SplitName;
}

/** Where a converted label row came from (an <object> of a VOC xml, an annotation of a COCO json). */
export interface RowRef {
  line?: number;
  note?: string;
}

/**
 * The labels of one image as YOLO text. YOLO layouts give the label file itself; COCO and VOC are converted into
 * the exact text upstream's converters (JSON2YOLO, VOC.yaml) would write, so one checker (parseLabels) serves all.
 */
export interface LabelSource {
  /** The label .txt, or the json / xml the rows were converted from. */
  file: string;
  text: string;
  /** For converted rows: rowRefs[k] locates line k + 1 of `text` in `file`. Absent: `text` is the file. */
  rowRefs?: RowRef[];
}

/** An image found by a format reader, before verification. */
export interface ImageEntry {
  path: string;
  /** Absent: no label file (upstream: "missing"), a background image. */
  label?: LabelSource;
  /** Set when the reader already knows the labels are unusable (e.g. a COCO box that is not 4 numbers). */
  labelError?: Problem;
}

export type DatasetFormat = 'yolo' | 'darknet' | 'folder' | 'coco' | 'voc';

export interface ImportedDataset {
  name: string;
  format: DatasetFormat;
  names: string[];
  /** The file that gave the class names (data.yaml, obj.names, classes.txt, the json, ...) and its line. */
  namesFile?: string;
  namesLine?: number;
  /** Train is always present; a dataset without val gets one from splitTrainVal after verification. */
  splits: { train: ImageEntry[]; val?: ImageEntry[]; test?: ImageEntry[] };
  /** Folder shown in upstream's scanning line, per split (the labels folder, or the annotation file's folder). */
  scanDirs: Partial<Record<SplitName, string>>;
  problems: Problem[];
  /** Facts worth telling that are not problems (e.g. "skipped 3 iscrowd annotations"). */
  notes: string[];
}

/**
 * A dataset that cannot be understood at all (no recognizable layout, a broken json/xml, conflicting class lists).
 * Codes: unknown_format, no_names, bad_json, bad_coco, bad_xml, names_conflict, ambiguous_split, duplicate_path,
 * file_missing.
 */
export class DatasetFormatError extends YoloError {}

export const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];
