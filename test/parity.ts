// Parity checks as data: each comparison of our numbers with upstream's becomes one ParityCheck, so the same
// fixture code (the *.parity.ts modules next to the tests) serves vitest in Node and the WebGPU page in Chromium,
// and each side only asserts `failedChecks(...)` is empty and prints the errors it measured.
import * as tf from '@tensorflow/tfjs';
import { worst } from './refData';

export interface ParityCheck {
  /** What was compared, e.g. 'eval_raw[1]' or 'grad model.0.conv.weight (L2)'. */
  name: string;
  /** Worst error over its tolerance: passes at <= 1; a shape mismatch or a NaN gives Infinity. */
  ratio: number;
  /** The tolerance the ratio is measured against, spelled out. */
  tolerance: string;
  /** Largest |ours - upstream| (for scalars and L2 checks: the relative error itself). */
  maxAbsDiff: number;
  /** Largest |upstream| of the tensor (1 for relative checks), to read maxAbsDiff against. */
  scale: number;
  /** The worst element, for a useful failure message. */
  at?: number;
  actual?: number;
  expected?: number;
  /** For exact checks that fail: what differed. */
  detail?: string;
}

export interface FlatTensor { data: ArrayLike<number>; shape: number[] }

export const failedChecks = (checks: readonly ParityCheck[]): ParityCheck[] => checks.filter((c) => !(c.ratio <= 1));

const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** Element-wise: every |ours - upstream| <= atol + rtol * |upstream|. */
export function elementwise(name: string, got: FlatTensor, want: FlatTensor, rtol: number, atol: number): ParityCheck {
  const w = worst(got.data, want.data, rtol, atol);
  const sameShape = got.shape.join() === want.shape.join() && w.lengthsMatch;
  let diff = 0;
  for (let i = 0; i < want.data.length; i++) diff = Math.max(diff, Math.abs(got.data[i] - want.data[i]));
  return {
    name, ratio: sameShape ? w.ratio : Infinity, tolerance: `rtol ${rtol} + atol ${atol.toPrecision(3)}`,
    maxAbsDiff: sameShape ? diff : Infinity, scale: maxAbs(want.data), at: w.at, actual: w.actual, expected: w.expected,
  };
}

/** A tensor on any backend, read back, against upstream's flat data. */
export async function tensorCheck(name: string, t: tf.Tensor, want: FlatTensor, rtol: number, atol: number): Promise<ParityCheck> {
  return elementwise(name, { data: await t.data(), shape: t.shape }, want, rtol, atol);
}

/** |ours - upstream| / |upstream| <= rtol for one number. */
export function relative(name: string, got: number, want: number, rtol: number): ParityCheck {
  const err = Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
  return { name, ratio: err / rtol, tolerance: `relative ${rtol}`, maxAbsDiff: err, scale: 1, actual: got, expected: want };
}

/** ||ours - upstream||₂ / ||upstream||₂ <= rtol over a whole tensor. */
export function relativeL2(name: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol: number): ParityCheck {
  let d2 = 0;
  let n2 = 0;
  for (let i = 0; i < want.length; i++) { d2 += (got[i] - want[i]) ** 2; n2 += want[i] ** 2; }
  const err = got.length === want.length ? Math.sqrt(d2 / n2) : Infinity;
  return { name, ratio: err / rtol, tolerance: `relative L2 ${rtol}`, maxAbsDiff: err, scale: 1 };
}

/** Exact equality (counts, keys): ratio 0 or Infinity. */
export function exact(name: string, got: unknown, want: unknown): ParityCheck {
  const [g, w] = [JSON.stringify(got), JSON.stringify(want)];
  const detail = g === w ? undefined : `got ${g.slice(0, 200)}, want ${w.slice(0, 200)}`;
  return { name, ratio: detail ? Infinity : 0, tolerance: 'exact', maxAbsDiff: detail ? Infinity : 0, scale: 1, detail };
}
