// In-memory files (a dropped folder, an unpacked zip) -> a DatasetSource. Paths are rooted at '/', so upstream's
// img2label rule (the last '/images/' becomes '/labels/') applies to 'images/a.jpg' at the top level too.
import { memoryFs } from '../imageList';
import { normalizePath } from '../paths';
import { DatasetFormatError, type DatasetSource, type InputFile } from './types';

/** Extensions read eagerly as text: data.yaml, lists, labels, names, obj.data, COCO json, VOC xml. Small files. */
const TEXT_EXTENSIONS = new Set(['yaml', 'yml', 'txt', 'names', 'data', 'json', 'xml']);

export function isTextPath(p: string): boolean {
  const dot = p.lastIndexOf('.');
  return dot >= 0 && TEXT_EXTENSIONS.has(p.slice(dot + 1).toLowerCase());
}

/** '/a/b' form: forward slashes, rooted, normalized. */
export function rootedPath(p: string): string {
  return normalizePath(`/${p.replace(/\\/g, '/')}`);
}

/** macOS resource forks and Finder files that zips and folder drops carry along; never part of a dataset. */
export function isJunkPath(p: string): boolean {
  return p.split('/').some((part) => part === '__MACOSX' || part === '.DS_Store' || part === 'Thumbs.db');
}

const utf8 = new TextDecoder('utf-8');

/**
 * A DatasetSource over in-memory files. Text files are read now (they are needed synchronously by the data.yaml and
 * label code); images stay as given, lazily read when verification asks for their bytes.
 */
export async function memorySource(files: Iterable<InputFile>): Promise<DatasetSource> {
  const byPath = new Map<string, InputFile>();
  for (const f of files) {
    const p = rootedPath(f.path);
    if (isJunkPath(p)) continue;
    if (byPath.has(p)) throw new DatasetFormatError('duplicate_path', 'the same path appears twice in the input', { file: p });
    byPath.set(p, f);
  }
  const texts = new Map<string, string>();
  const textPaths = [...byPath.keys()].filter(isTextPath);
  // A few reads in flight at once: lazy sources (File.arrayBuffer, fs reads) overlap their latency.
  for (let i = 0; i < textPaths.length; i += 32) {
    const chunk = textPaths.slice(i, i + 32);
    const read = await Promise.all(chunk.map((p) => bytesOf(byPath.get(p)!)));
    chunk.forEach((p, k) => texts.set(p, utf8.decode(read[k])));
  }
  const fs = memoryFs(byPath.keys(), (p) => texts.get(p) ?? null);
  return {
    fs,
    root: '/',
    bytes: async (path) => {
      const f = byPath.get(normalizePath(path));
      if (!f) throw new DatasetFormatError('file_missing', 'no such file in the dataset', { file: path });
      return bytesOf(f);
    },
  };
}

async function bytesOf(f: InputFile): Promise<Uint8Array> {
  return typeof f.bytes === 'function' ? f.bytes() : f.bytes;
}
