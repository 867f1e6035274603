// Readers for ../shared/reference (golden numbers from upstream YOLOv5 v7.0). Tests only.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StateDict } from '../src/core/model';
import { parseRefJson, parseRefStateDict } from './refData';

export { naFirstToLast, nchwToNhwc, worst, type RefTensor } from './refData';

export const REF_DIR = resolve(process.cwd(), '../shared/reference');
export const SHARED_DIR = resolve(process.cwd(), '../shared');

export function readRefJson<T = Record<string, unknown>>(name: string): T {
  return parseRefJson<T>(readFileSync(resolve(REF_DIR, name), 'utf8'));
}

/** `.bin` + `.manifest.json`: float32 LE tensors concatenated; entries [name, shape, offset, dtype]. */
export function readRefStateDict(stem: string): StateDict {
  const manifest: unknown = JSON.parse(readFileSync(resolve(REF_DIR, `${stem}.manifest.json`), 'utf8'));
  const buf = readFileSync(resolve(REF_DIR, `${stem}.bin`));
  return parseRefStateDict(manifest, new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
}
