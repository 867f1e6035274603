// Helpers shared by the format readers: YOLO label lookup, split names from folder names, name lists, file lookup
// by name, and the duplicate checks every layout gets.
import type { SplitName } from '../dataYaml';
import type { DatasetFs } from '../imageList';
import { compareCodePoints, dirnamePath, isImagePath, labelPathFor } from '../paths';
import { SPLITS, type ImageEntry, type ImportedDataset, type Problem } from './types';

/** Upstream's layout: each image's label is img2label_paths(image); no such file = a background image. */
export function yoloEntries(images: string[], fs: DatasetFs): ImageEntry[] {
  return images.map((path) => {
    const file = labelPathFor(path);
    return fs.stat(file) === 'file' ? { path, label: { file, text: fs.readText(file) } } : { path };
  });
}

/** The folder upstream's scanning line names: that of the first image's label file. */
export function labelDirOf(entries: ImageEntry[] | undefined): string | undefined {
  return entries?.length ? dirnamePath(labelPathFor(entries[0].path)) : undefined;
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function stem(p: string): string {
  const b = basename(p);
  const dot = b.lastIndexOf('.');
  return dot > 0 ? b.slice(0, dot) : b;
}

/** A folder or file name that names a split: train*, val* / valid*, test* (train2017, valid, test-dev, ...). */
export function splitOfName(name: string): SplitName | undefined {
  const m = /(?:^|[^a-z])(train|valid|val|test)/.exec(name.toLowerCase());
  if (!m) return undefined;
  return m[1] === 'train' ? 'train' : m[1] === 'test' ? 'test' : 'val';
}

/** A class list file: one name per line, blank lines ignored (classes.txt, obj.names, labels.txt). */
export function parseNamesList(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((s) => s.trim()).filter(Boolean);
}

/** Number of folders between `root` and `p`. */
export function depthBelow(root: string, p: string): number {
  const rel = root === '/' ? p.slice(1) : p.slice(root.length + 1);
  return rel.split('/').length - 1;
}

/** Files below `root` (any depth), skipping anything inside a hidden folder or hidden itself, sorted. */
export function visibleFiles(fs: DatasetFs, root: string): string[] {
  const prefix = root === '/' ? '/' : `${root}/`;
  return fs
    .listFiles(root)
    .filter((f) => !(f.startsWith(prefix) ? f.slice(prefix.length) : f).split('/').some((s) => s.startsWith('.')))
    .sort(compareCodePoints);
}

/**
 * Finds the image an annotation names (COCO file_name, VOC <filename>): the name itself, then any image whose path
 * ends with it. Several matches and a preferred folder: those below it. Returns the matches (0, 1 or several).
 */
export class ImageIndex {
  private readonly byBase = new Map<string, string[]>();

  constructor(files: string[]) {
    for (const f of files) {
      if (!isImagePath(f)) continue;
      const b = basename(f);
      const list = this.byBase.get(b);
      if (list) list.push(f);
      else this.byBase.set(b, [f]);
    }
  }

  find(name: string, preferDir?: string): string[] {
    const clean = name.replace(/\\/g, '/');
    const tail = `/${clean.replace(/^(\.\/|\/)+/, '')}`;
    const found = (this.byBase.get(basename(clean)) ?? []).filter((f) => f.endsWith(tail));
    if (found.length > 1 && preferDir) {
      const near = found.filter((f) => f.startsWith(`${preferDir}/`));
      if (near.length) return near;
    }
    return found;
  }
}

/**
 * Reports what would make upstream train on something other than what the user meant:
 * - the same image listed twice in a split, or in two splits (a whole split repeated, as coco128's val = train, is
 *   one warning instead of one per image);
 * - two images whose labels come from the same file (images/a.jpg and images/a.png both read labels/a.txt).
 */
export function reportDuplicates(ds: ImportedDataset): void {
  const problems: Problem[] = ds.problems;
  for (const split of SPLITS) {
    const entries = ds.splits[split];
    if (!entries) continue;
    const paths = entries.map((e) => e.path);
    const inSplit = new Set<string>();
    for (const p of paths) {
      if (inSplit.has(p)) problems.push({ file: p, code: 'duplicate_image', action: 'warning', split, message: `listed twice in ${split}` });
      inSplit.add(p);
    }
    const earlier = SPLITS.filter((s) => s !== split && ds.splits[s] && SPLITS.indexOf(s) < SPLITS.indexOf(split));
    for (const other of earlier) {
      const otherSet = new Set(ds.splits[other]!.map((e) => e.path));
      const shared = [...inSplit].filter((p) => otherSet.has(p));
      if (!shared.length) continue;
      if (shared.length === inSplit.size && shared.length === otherSet.size) {
        problems.push({
          file: ds.namesFile ?? shared[0], code: 'split_repeated', action: 'warning', split,
          message: `${split} is the same ${shared.length} images as ${other}: its metrics will not measure generalization`,
        });
      } else {
        for (const p of shared) {
          problems.push({ file: p, code: 'duplicate_image', action: 'warning', split, message: `the same image is in ${other} and ${split}` });
        }
      }
    }
  }

  const byLabel = new Map<string, string>();
  for (const split of SPLITS) {
    for (const e of ds.splits[split] ?? []) {
      if (!e.label || e.label.rowRefs) continue; // converted labels belong to one image by construction
      const first = byLabel.get(e.label.file);
      if (first === undefined) byLabel.set(e.label.file, e.path);
      else if (first !== e.path) {
        problems.push({
          file: e.label.file, code: 'duplicate_label_file', action: 'warning', image: e.path, split,
          message: `${first} and ${e.path} both take their labels from this file (same name, different extension?)`,
        });
      }
    }
  }
}
