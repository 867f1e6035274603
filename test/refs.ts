// Readers for ../shared/reference (golden numbers from upstream YOLOv5 v7.0). Tests only.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StateDict } from '../src/core/model';

export const REF_DIR = resolve(process.cwd(), '../shared/reference');
export const SHARED_DIR = resolve(process.cwd(), '../shared');

export interface RefTensor { shape: number[]; dtype: string; data: number[] }

// Python's json writes bare NaN / Infinity, which JSON.parse rejects: quote them, then turn them back into numbers.
const NON_FINITE = /([[,:]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g;
const VALUES: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

export function readRefJson<T = Record<string, unknown>>(name: string): T {
  const text = readFileSync(resolve(REF_DIR, name), 'utf8');
  return JSON.parse(text.replace(NON_FINITE, '$1"$2"'), (_key, value: unknown) =>
    typeof value === 'string' && value in VALUES ? VALUES[value] : value) as T;
}

/** `.bin` + `.manifest.json`: float32 LE tensors concatenated; entries [name, shape, offset, dtype]. */
export function readRefStateDict(stem: string): StateDict {
  const manifest = JSON.parse(readFileSync(resolve(REF_DIR, `${stem}.manifest.json`), 'utf8'));
  const entries: [string, number[], number, string][] = Array.isArray(manifest) ? manifest : manifest.entries ?? manifest.tensors;
  const buf = readFileSync(resolve(REF_DIR, `${stem}.bin`));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const sd: StateDict = new Map();
  for (const [name, shape, offset] of entries) {
    const n = shape.reduce((a, b) => a * b, 1);
    sd.set(name, { data: all.slice(offset, offset + n), shape });
  }
  return sd;
}

/** Upstream (B, na, ny, nx, no) -> ours (B, ny, nx, na, no), as flat data. */
export function naFirstToLast(t: RefTensor): { data: Float32Array; shape: number[] } {
  const [b, na, ny, nx, no] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < b; i++) for (let a = 0; a < na; a++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) for (let k = 0; k < no; k++) {
    out[((((i * ny + y) * nx + x) * na + a) * no) + k] = t.data[((((i * na + a) * ny + y) * nx + x) * no) + k];
  }
  return { data: out, shape: [b, ny, nx, na, no] };
}

/** NCHW -> NHWC flat data. */
export function nchwToNhwc(t: RefTensor): { data: Float32Array; shape: [number, number, number, number] } {
  const [b, c, h, w] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < b; i++) for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((i * h + y) * w + x) * c + k] = Math.fround(t.data[((i * c + k) * h + y) * w + x]);
  }
  return { data: out, shape: [b, h, w, c] };
}

/** max |a-b| / (atol + rtol*|b|) style check; returns the worst element for a useful failure message. */
export function worst(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number) {
  let ratio = 0; let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const r = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
    if (!(r <= ratio)) { ratio = r; at = i; }
  }
  return { ratio, at, actual: actual[at], expected: expected[at], lengthsMatch: actual.length === expected.length };
}
