// A split spec (folders and/or .txt list files) -> the sorted list of image paths, as upstream's
// LoadImagesAndLabels builds `im_files`. File access is injected so Node passes the real file system and the browser
// passes the files of a dropped folder or zip (see memoryFs).
import type { SplitSpec } from './dataYaml';
import { DataConfigError } from './errors';
import { compareCodePoints, dirnamePath, isAbsolutePath, isImagePath, joinPath, normalizePath } from './paths';

export interface DatasetFs {
  /** What is at `path`: a file, a folder, or nothing (null). */
  stat(path: string): 'file' | 'dir' | null;
  /** Every file below `dir`, at any depth, as full paths (folders themselves not included). */
  listFiles(dir: string): string[];
  /** The text of a file (UTF-8). */
  readText(path: string): string;
}

/**
 * Image paths of one split, sorted by code point like Python's sorted().
 * - a folder: every file below it whose extension is in IMG_FORMATS (upstream globs `**\/*.*`, which skips names
 *   starting with '.', so we skip those too);
 * - a .txt file: one image path per line. './x' is relative to the list file's folder (as upstream); other relative
 *   lines are taken relative to that folder too (upstream leaves them relative to its working directory, which only
 *   works when run from the dataset root, where CVAT and Darknet lists put them anyway);
 * - a path that exists neither as given nor via the '../' fallback: DataConfigError naming it and the yaml.
 */
export function resolveImageList(spec: SplitSpec, fs: DatasetFs): string[] {
  const found: string[] = [];
  for (const entry of spec.entries) {
    let p = entry.path;
    let kind = fs.stat(p);
    if (!kind && entry.alt) {
      p = entry.alt;
      kind = fs.stat(p);
    }
    if (!kind) {
      const also = entry.alt ? ` (nor ${entry.alt})` : '';
      throw new DataConfigError('path_not_found', `${spec.split}: '${entry.raw}' -> ${entry.path}${also} does not exist`, {
        file: spec.file,
        line: spec.line,
      });
    }
    if (kind === 'dir') {
      const prefix = p === '/' ? '/' : `${p}/`;
      for (const f of fs.listFiles(p)) {
        const rel = f.startsWith(prefix) ? f.slice(prefix.length) : f;
        if (rel.split('/').some((part) => part.startsWith('.'))) continue;
        found.push(normalizePath(f));
      }
    } else {
      const parent = dirnamePath(p);
      for (const line of fs.readText(p).split(/\r\n|\r|\n/)) {
        const x = line.trim();
        if (x) found.push(isAbsolutePath(x) ? normalizePath(x) : joinPath(parent, x));
      }
    }
  }
  const images = found.filter(isImagePath).sort(compareCodePoints);
  if (!images.length) {
    const where = spec.entries.map((e) => e.raw).join(', ');
    throw new DataConfigError('no_images', `${spec.split}: no images found in ${where}`, { file: spec.file, line: spec.line });
  }
  return images;
}

/**
 * A DatasetFs over a set of in-memory files (a dropped folder, an unpacked zip): folders are implied by the paths.
 * `readText` returns the file's text, or null when the path is not one of the files.
 */
export function memoryFs(paths: Iterable<string>, readText: (path: string) => string | null): DatasetFs {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const raw of paths) {
    const p = normalizePath(raw);
    files.add(p);
    for (let d = dirnamePath(p); !dirs.has(d); d = dirnamePath(d)) {
      dirs.add(d);
      if (d === '/' || d === '.') break;
    }
  }
  const sorted = [...files].sort(compareCodePoints);
  return {
    stat: (path) => {
      const p = normalizePath(path);
      return files.has(p) ? 'file' : dirs.has(p) ? 'dir' : null;
    },
    listFiles: (dir) => {
      const d = normalizePath(dir);
      if (d === '.') return sorted.filter((f) => !isAbsolutePath(f));
      const prefix = d === '/' ? '/' : `${d}/`;
      return sorted.filter((f) => f.startsWith(prefix));
    },
    readText: (path) => {
      const text = readText(normalizePath(path));
      if (text === null) throw new DataConfigError('path_not_found', 'no such file', { file: path });
      return text;
    },
  };
}
