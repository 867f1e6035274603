// Test helpers (Node only): tiny datasets built in memory from real synth images, the CLI's image checks for
// verification, and whole shared datasets as in-memory files or zips.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { prepareDataset, type PrepareOptions, type PreparedDataset } from './prepare';
import { memorySource } from './source';
import type { InputFile } from './types';

import { nodeVerify } from '../../../../test/nodeData';

import { SHARED_DIR as SHARED } from '../../../../test/refs';

export { SHARED };
export { nodeVerify };
const SYNTH = path.join(SHARED, 'datasets/synth/images/train');

/** Bytes of the k-th synth train image (256x256 JPEG). */
export function synthJpeg(k = 0): Uint8Array {
  return new Uint8Array(readFileSync(path.join(SYNTH, `train_${String(k).padStart(4, '0')}.jpg`)));
}

/** In-memory files from {path: text | bytes}; every other one lazy, as a dropped folder would give them. */
export function filesOf(spec: Record<string, string | Uint8Array>): InputFile[] {
  return Object.entries(spec).map(([p, v], i) => {
    const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    return { path: p, bytes: i % 2 ? async () => bytes : bytes };
  });
}

/** memorySource + prepareDataset with the Node image reader. */
export async function prepareFiles(files: InputFile[], opts: Partial<PrepareOptions> = {}): Promise<PreparedDataset> {
  return prepareDataset(await memorySource(files), { ...nodeVerify, ...opts });
}

/** Every file below `dir`, with paths relative to `dir` prefixed by `prefix`. */
export function dirFiles(dir: string, prefix = ''): InputFile[] {
  const out: InputFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: prefix + path.relative(dir, p).split(path.sep).join('/'), bytes: async () => new Uint8Array(readFileSync(p)) });
    }
  };
  walk(dir);
  return out;
}

/** A zip (fflate zipSync) of in-memory files; text as given, images stored (level 0) as real exports do. */
export async function zipOf(files: InputFile[]): Promise<Uint8Array> {
  const tree: Zippable = {};
  for (const f of files) {
    const bytes = typeof f.bytes === 'function' ? await f.bytes() : f.bytes;
    tree[f.path] = [bytes, { level: /\.(jpe?g|png)$/i.test(f.path) ? 0 : 6 }];
  }
  return zipSync(tree);
}
