// Parsers and layout helpers for ../shared/reference data that need no file system, so the same code serves the
// Node tests (test/refs.ts reads the files) and the browser parity page (e2e/webgpuParity fetches them).
import type { StateDict } from '../src/core/model';

export interface RefTensor { shape: number[]; dtype: string; data: number[] }

/** A `.manifest.json` entry: [name, shape, offset in float32 elements, upstream dtype]. */
type ManifestEntry = [string, number[], number, string];

// Python's json writes bare NaN / Infinity, which JSON.parse rejects: quote them, then turn them back into numbers.
const NON_FINITE = /([[,:]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g;
const VALUES: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

export function parseRefJson<T = Record<string, unknown>>(text: string): T {
  return JSON.parse(text.replace(NON_FINITE, '$1"$2"'), (_key, value: unknown) =>
    typeof value === 'string' && value in VALUES ? VALUES[value] : value) as T;
}

/** `.bin` (float32 LE tensors concatenated) + its parsed `.manifest.json` -> a state_dict. */
export function parseRefStateDict(manifest: unknown, bin: Float32Array): StateDict {
  const m = manifest as ManifestEntry[] | { entries?: ManifestEntry[]; tensors?: ManifestEntry[] };
  const entries = Array.isArray(m) ? m : m.entries ?? m.tensors ?? [];
  const sd: StateDict = new Map();
  for (const [name, shape, offset] of entries) {
    const n = shape.reduce((a, b) => a * b, 1);
    sd.set(name, { data: bin.slice(offset, offset + n), shape });
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
