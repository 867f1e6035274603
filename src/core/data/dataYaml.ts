// Ultralytics data.yaml text -> DataConfig: class names and the split specs with their paths resolved, plus the file
// and line every value came from so later errors (a missing folder, a class id beyond `names`) can point at them.
//
// One deliberate difference from upstream v7.0: a relative `path` (or none) resolves against the yaml's own folder.
// Upstream's check_dataset resolves it against its own checkout (ROOT), which only works for yamls kept inside the
// YOLOv5 repo; Roboflow-style exports and users expect the yaml's folder.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { DataConfigError } from './errors';
import { dirnamePath, isAbsolutePath, joinPath } from './paths';

export type SplitName = 'train' | 'val' | 'test';

export interface SplitEntry {
  /** As written in the yaml. */
  raw: string;
  /** Resolved against the dataset root (`path`). */
  path: string;
  /**
   * Upstream's fallback for Roboflow exports: when `path` does not exist and `raw` starts with '../', the same entry
   * without that prefix (Roboflow writes `../train/images` next to a yaml that sits in the dataset root).
   */
  alt?: string;
}

export interface SplitSpec {
  split: SplitName;
  /** One entry per folder or .txt list file (a yaml list gives several). */
  entries: SplitEntry[];
  /** The data.yaml and the line of this key, for errors about these paths. */
  file: string;
  line?: number;
}

export interface DataConfig {
  /** The data.yaml's own path, as the caller gave it. */
  file: string;
  /** Dataset root: `path` resolved against the yaml's folder (the yaml's folder when absent). */
  path: string;
  train: SplitSpec;
  val?: SplitSpec;
  test?: SplitSpec;
  /** Class names, index = class id. */
  names: string[];
  nc: number;
  /** Line of each top-level key, for errors that concern a value (e.g. a label's class id beyond `names`). */
  lines: Record<string, number | undefined>;
  /** The whole parsed yaml, for keys this module does not interpret (download, roboflow, ...). */
  raw: Record<string, unknown>;
}

export interface ParseDataYamlOptions {
  /** Upstream asserts `val` exists; the datasets importer may allow a yaml without it and split train itself. */
  requireVal?: boolean;
}

/**
 * Parses a data.yaml. `yamlPath` is where the text came from (a real path in Node, the path inside a dropped folder or
 * zip in the browser); relative split paths resolve against its folder.
 */
export function parseDataYaml(text: string, yamlPath: string, opts: ParseDataYamlOptions = {}): DataConfig {
  const file = yamlPath;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new DataConfigError('yaml_syntax', e.message.split('\n')[0], { file, line: e.linePos?.[0].line });
  }
  const root = doc.contents;
  if (!isMap(root)) throw new DataConfigError('yaml_not_mapping', 'expected a mapping of keys (path, train, val, names)', { file });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const keyLine = (key: string) => {
    const pair = (root as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key);
    return lineOf(pair?.key);
  };
  const raw = doc.toJS() as Record<string, unknown>;
  const lines: Record<string, number | undefined> = {};
  for (const pair of root.items) if (isScalar(pair.key)) lines[String(pair.key.value)] = lineOf(pair.key);

  const names = parseNames(root, raw.names, file, keyLine('names'), lineOf);
  if (raw.nc !== undefined && raw.nc !== null) {
    if (!Number.isInteger(raw.nc) || (raw.nc as number) < 1) {
      throw new DataConfigError('bad_names', `'nc' must be a positive integer, got ${JSON.stringify(raw.nc)}`, { file, line: keyLine('nc') });
    }
    if (raw.nc !== names.length) {
      throw new DataConfigError('nc_mismatch', `nc: ${raw.nc} but 'names' has ${names.length} entries`, { file, line: keyLine('nc') });
    }
  }

  const rootPath = resolveRoot(raw.path, file, keyLine('path'));
  const split = (key: SplitName, required: boolean): SplitSpec | undefined => {
    const v = raw[key];
    const line = keyLine(key);
    if (v === undefined || v === null || v === '') {
      if (required) throw new DataConfigError('missing_key', `'${key}:' field missing`, { file });
      return undefined;
    }
    const list = Array.isArray(v) ? v : [v];
    if (!list.length || !list.every((x) => typeof x === 'string' && x.trim() !== '')) {
      throw new DataConfigError('bad_path', `'${key}' must be a folder, a .txt list file, or a list of those`, { file, line });
    }
    const entries = (list as string[]).map((rawEntry) => {
      const entry = rawEntry.trim();
      const e: SplitEntry = { raw: entry, path: joinPath(rootPath, entry) };
      if (entry.startsWith('../')) e.alt = joinPath(rootPath, entry.slice(3));
      return e;
    });
    return { split: key, entries, file, line };
  };

  return {
    file,
    path: rootPath,
    train: split('train', true)!,
    val: split('val', opts.requireVal ?? true),
    test: split('test', false),
    names,
    nc: names.length,
    lines,
    raw,
  };
}

function resolveRoot(v: unknown, file: string, line: number | undefined): string {
  const yamlDir = dirnamePath(file);
  if (v === undefined || v === null || v === '') return yamlDir;
  if (typeof v !== 'string') throw new DataConfigError('bad_path', `'path' must be a folder path, got ${JSON.stringify(v)}`, { file, line });
  return isAbsolutePath(v) ? joinPath(v) : joinPath(yamlDir, v);
}

/** `names` as a list, or as a {id: name} mapping whose ids are exactly 0..n-1 (in any order). */
function parseNames(
  root: YAMLMap,
  v: unknown,
  file: string,
  line: number | undefined,
  lineOf: (n: unknown) => number | undefined,
): string[] {
  if (v === undefined || v === null) throw new DataConfigError('missing_key', "'names:' field missing", { file });
  const node = root.get('names', true);
  const bad = (msg: string, at = line) => new DataConfigError('bad_names', msg, { file, line: at });
  const asName = (x: unknown, where: string, at: number | undefined): string => {
    if (typeof x === 'string' && x !== '') return x;
    if (typeof x === 'number' || typeof x === 'boolean') return String(x); // upstream takes them as they are
    throw bad(`${where}: a class name must be a non-empty string, got ${JSON.stringify(x)}`, at);
  };
  if (isSeq(node)) {
    if (!node.items.length) throw bad("'names' is empty");
    return (v as unknown[]).map((x, i) => asName(x, `names[${i}]`, lineOf(node.items[i])));
  }
  if (isMap(node)) {
    const out: string[] = [];
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const id = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
      if (!Number.isInteger(id) || (id as number) < 0) {
        throw bad(`names keys must be integers, i.e. 2: car (got ${JSON.stringify(key)})`, lineOf(pair.key));
      }
      if (out[id as number] !== undefined) throw bad(`names: class id ${id} appears twice`, lineOf(pair.key));
      out[id as number] = asName(isScalar(pair.value) ? pair.value.value : undefined, `names[${id}]`, lineOf(pair.key));
    }
    if (!out.length) throw bad("'names' is empty");
    const hole = Array.from({ length: out.length }, (_, i) => i).find((i) => out[i] === undefined);
    if (hole !== undefined) throw bad(`names: class ids must be 0..${out.length - 1} without gaps; ${hole} is missing`);
    return out;
  }
  throw bad(`'names' must be a list or a {id: name} mapping, got ${JSON.stringify(v)}`);
}
