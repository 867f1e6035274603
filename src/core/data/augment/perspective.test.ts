import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Rng } from '../../rng';
import { createRng } from '../../rng';
import { boxCandidates, drawPerspective, perspectiveMatrix, randomPerspective, transformBoxes, type PerspectiveDraws } from './perspective';

interface Tensor {
  shape: number[];
  data: (number | boolean)[];
}
interface PerspectiveCase {
  name: string;
  kwargs: { degrees: number; translate: number; scale: number; shear: number; perspective: number; border: [number, number] };
  src_hw: [number, number];
  uniform_fractions: number[];
  uniform_draws: number[];
  M: Tensor;
  targets_in: Tensor;
  targets_out: Tensor;
  out_hw: [number, number];
}
const ref = JSON.parse(readFileSync(path.resolve(process.cwd(), '../shared/reference/augment.json'), 'utf8')) as {
  random_perspective: PerspectiveCase[];
  box_candidates_case: { box1: Tensor; box2: Tensor; result: Tensor };
};

/** An Rng whose next() replays fixed fractions: upstream's FixedRandom, uniform(a, b) = a + t * (b - a). */
function replay(fractions: number[]): Rng & { used: () => number } {
  let k = 0;
  const next = () => {
    if (k >= fractions.length) throw new Error('replay: out of fractions');
    return fractions[k++];
  };
  return { next, uniform: (lo, hi) => lo + (hi - lo) * next(), normal: () => 0, int: (n) => Math.floor(next() * n), state: () => k, used: () => k };
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = abs + rel * Math.abs(expected[i]);
    if (Math.abs(actual[i] - expected[i]) > tol) expect.fail(`index ${i}: ${actual[i]} vs ${expected[i]} (tol ${tol})`);
  }
}

describe('random_perspective (augment.json, upstream with recorded draws)', () => {
  it.each(ref.random_perspective.map((c) => [c.name, c] as const))('%s: draws, matrix and boxes', (_, c) => {
    // The draws come out of the fractions in upstream's order (P_x, P_y, angle, scale, shear_x, shear_y, T_x, T_y).
    const rng = replay(c.uniform_fractions);
    const draws = drawPerspective(rng, c.kwargs);
    expect(rng.used()).toBe(8);
    close(draws, c.uniform_draws, 1e-9, 1e-12);

    const { M, width, height } = perspectiveMatrix(c.uniform_draws as unknown as PerspectiveDraws, c.src_hw, c.kwargs.border);
    expect([height, width]).toEqual(c.out_hw);
    close(M, c.M.data as number[], 1e-5, 1e-4); // the fixture keeps 6 significant digits

    const out = transformBoxes(Float32Array.from(c.targets_in.data as number[]), M, width, height, c.kwargs.perspective !== 0, c.uniform_draws[3]);
    expect(out.length / 5).toBe(c.targets_out.shape[0]);
    close(out, c.targets_out.data as number[], 2e-5, 1e-4);
  });

  it('randomPerspective returns the same boxes and an image of the output size', () => {
    const c = ref.random_perspective.find((x) => x.name === 'mosaic_border')!;
    const [h, w] = c.src_hw;
    const img = { data: new Uint8Array(w * h * 3).fill(50), width: w, height: h };
    const r = randomPerspective(img, Float32Array.from(c.targets_in.data as number[]), c.kwargs, replay(c.uniform_fractions), c.kwargs.border);
    expect([r.image.height, r.image.width]).toEqual(c.out_hw);
    close(r.targets, c.targets_out.data as number[], 2e-5, 1e-4);
    // Zoom 1.2 of a uniform image centred on the canvas: every output pixel reads the source, none the grey border.
    expect(r.image.data.every((v) => v === 50)).toBe(true);
  });

  it('leaves the image alone (same object) when the matrix is the identity and there is no border', () => {
    const img = { data: new Uint8Array(8 * 6 * 3).fill(7), width: 8, height: 6 };
    const zero = { degrees: 0, translate: 0, scale: 0, shear: 0, perspective: 0 };
    const r = randomPerspective(img, new Float32Array(0), zero, createRng(1));
    expect(r.image).toBe(img);
    expect(Array.from(r.M)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('drops boxes that leave the image or shrink below 10% of their area', () => {
    const M = [1, 0, -90, 0, 1, 0, 0, 0, 1]; // shift left by 90 px on a 100 px wide output
    const targets = Float32Array.of(0, 10, 10, 50, 50, 1, 80, 10, 100, 50, 2, 85, 10, 100, 50);
    const out = transformBoxes(targets, M, 100, 100, false, 1);
    // box 0 leaves entirely; box 1 keeps 10/20 of its width; box 2 (15 wide) keeps 10/15
    expect(Array.from(out)).toEqual([1, 0, 10, 10, 50, 2, 0, 10, 10, 50]);
  });
});

describe('box_candidates (augment.json)', () => {
  it('matches upstream on the 10 fixture boxes', () => {
    const { box1, box2, result } = ref.box_candidates_case;
    expect(boxCandidates(box1.data as number[], box2.data as number[])).toEqual(result.data);
  });

  it('rejects arrays that are not (4, n) pairs', () => {
    expect(() => boxCandidates([1, 2, 3], [1, 2, 3])).toThrow(/\(4, n\)/);
  });
});
