// Model yaml text -> ModelConfig, with errors that name the file and line of the offending row.
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { ModelConfigError } from '../errors';
import type { LayerRow, ModelConfig } from './configs';
import { MODULES } from './modules';

export function parseModelYaml(text: string, file = 'model.yaml'): ModelConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ModelConfigError('yaml_syntax', e.message.split('\n')[0], { file, line: e.linePos?.[0].line });
  }
  const root = doc.contents;
  if (!isMap(root)) throw new ModelConfigError('yaml_not_mapping', 'expected a mapping at the top level', { file });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const js = doc.toJS() as Record<string, unknown>;

  const num = (key: string, fallback?: number): number => {
    const v = js[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ModelConfigError('yaml_bad_key', `'${key}' must be a number, got ${JSON.stringify(v)}`, {
        file,
        line: lineOf(root.get(key, true)),
      });
    }
    return v;
  };

  const rows = (key: 'backbone' | 'head'): LayerRow[] => {
    const seq = root.get(key, true);
    if (!isSeq(seq)) throw new ModelConfigError('yaml_bad_key', `'${key}' must be a list of rows`, { file });
    return seq.items.map((item, i) => checkRow((js[key] as unknown[])[i], key, i, file, lineOf(item)));
  };

  const cfg: ModelConfig = {
    nc: num('nc'),
    depth_multiple: num('depth_multiple', 1),
    width_multiple: num('width_multiple', 1),
    anchors: checkAnchors(js.anchors, file, lineOf(root.get('anchors', true))),
    backbone: rows('backbone'),
    head: rows('head'),
    name: file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, ''),
  };
  return cfg;
}

function checkRow(row: unknown, section: string, i: number, file: string, line?: number): LayerRow {
  const where = { file, line };
  if (!Array.isArray(row) || row.length !== 4) {
    throw new ModelConfigError('yaml_bad_row', `${section}[${i}] must be [from, number, module, args]`, where);
  }
  const [from, n, module, args] = row as unknown[];
  const isIndex = (v: unknown) => Number.isInteger(v);
  if (!(isIndex(from) || (Array.isArray(from) && from.length > 0 && from.every(isIndex)))) {
    throw new ModelConfigError('yaml_bad_row', `${section}[${i}]: 'from' must be an integer or list of integers`, where);
  }
  if (!Number.isInteger(n) || (n as number) < 1) {
    throw new ModelConfigError('yaml_bad_row', `${section}[${i}]: 'number' must be a positive integer`, where);
  }
  if (typeof module !== 'string' || !(module in MODULES)) {
    throw new ModelConfigError(
      'unknown_module',
      `${section}[${i}]: unknown module ${JSON.stringify(module)} (supported: ${Object.keys(MODULES).join(', ')})`,
      where,
    );
  }
  if (!Array.isArray(args)) {
    throw new ModelConfigError('yaml_bad_row', `${section}[${i}]: 'args' must be a list`, where);
  }
  return [from as number | number[], n as number, module, args];
}

function checkAnchors(v: unknown, file: string, line?: number): number[][] | number {
  if (Number.isInteger(v) && (v as number) > 0) return v as number;
  const ok =
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((lvl) => Array.isArray(lvl) && lvl.length >= 2 && lvl.length % 2 === 0 && lvl.every((x) => typeof x === 'number' && x > 0)) &&
    v.every((lvl) => (lvl as unknown[]).length === (v[0] as unknown[]).length);
  if (!ok) {
    throw new ModelConfigError(
      'yaml_bad_anchors',
      "'anchors' must be a list of levels, each an equal-length list of positive pixel pairs [w,h, w,h, ...]",
      { file, line },
    );
  }
  return v as number[][];
}
