import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../../test/backend';
import { clipAndStep, clipGradNorm, GradAccumulator } from './grads';
import { SGD } from './sgd';

beforeAll(async () => {
  await useBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const A = [3, -4, 12, 0.5];
const B = [[1, 2], [-2, 8]];

function grads(scale = 1): { vars: tf.Variable[]; map: Map<tf.Variable, tf.Tensor> } {
  const vars = [tf.variable(tf.zeros([4])), tf.variable(tf.zeros([2, 2]))];
  const map = new Map<tf.Variable, tf.Tensor>([
    [vars[0], tf.tensor1d(A.map((x) => x * scale))],
    [vars[1], tf.tensor2d(B.map((r) => r.map((x) => x * scale)))],
  ]);
  return { vars, map };
}

/** torch: total = ||[||a||, ||b||]||, coef = min(max / (total + 1e-6), 1), in float64. */
function reference(scale: number, maxNorm: number): { total: number; coef: number } {
  const na = Math.hypot(...A.map((x) => x * scale));
  const nb = Math.hypot(...B.flat().map((x) => x * scale));
  const total = Math.hypot(na, nb);
  return { total, coef: Math.min(maxNorm / (total + 1e-6), 1) };
}

describe('clipGradNorm', () => {
  it.each([[1, 10], [0.1, 10], [5, 10], [1, 3]])('scale %f, max_norm %f: torch clip_grad_norm_ numbers', async (scale, maxNorm) => {
    const { vars, map } = grads(scale);
    const { grads: out, totalNorm } = clipGradNorm(map, maxNorm);
    const ref = reference(scale, maxNorm);
    expect((await totalNorm.data())[0]).toBeCloseTo(ref.total, 4);
    const a = await out.get(vars[0])!.data();
    A.forEach((x, i) => expect(a[i]).toBeCloseTo(x * scale * ref.coef, 5));
    const b = await out.get(vars[1])!.data();
    B.flat().forEach((x, i) => expect(b[i]).toBeCloseTo(x * scale * ref.coef, 5));
    if (ref.coef < 1) {
      // Clipped to (just under) max_norm.
      const n = Math.hypot(...a, ...b);
      expect(n).toBeCloseTo(maxNorm * ref.total / (ref.total + 1e-6), 4);
    }
    tf.dispose([...out.values(), totalNorm, ...map.values(), ...vars]);
  });

  it('reads nothing back to the host (coef stays on the device)', () => {
    const { vars, map } = grads(5);
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const data = vi.spyOn(tf.Tensor.prototype, 'data');
    const arraySync = vi.spyOn(tf.Tensor.prototype, 'arraySync');
    const { grads: out, totalNorm } = clipGradNorm(map, 10);
    expect(dataSync).not.toHaveBeenCalled();
    expect(data).not.toHaveBeenCalled();
    expect(arraySync).not.toHaveBeenCalled();
    totalNorm.dataSync(); // and the spies do see a readback
    expect(dataSync).toHaveBeenCalled();
    tf.dispose([...out.values(), totalNorm, ...map.values(), ...vars]);
  });

  it('leaks no tensors', () => {
    const { vars, map } = grads(5);
    const before = tf.memory().numTensors;
    const { grads: out, totalNorm } = clipGradNorm(map, 10);
    expect(tf.memory().numTensors).toBe(before + out.size + 1);
    tf.dispose([...out.values(), totalNorm, ...map.values(), ...vars]);
  });
});

describe('GradAccumulator', () => {
  it('sums gradients over backward passes like .grad +=, owns its tensors, reset = zero_grad', async () => {
    const acc = new GradAccumulator();
    const g1 = grads(1);
    acc.add(g1.map);
    tf.dispose([...g1.map.values()]); // the caller's tensors may go: the accumulator holds its own
    const g2 = new Map<tf.Variable, tf.Tensor>([[g1.vars[0], tf.tensor1d([1, 1, 1, 1])]]);
    acc.add(g2);
    tf.dispose([...g2.values()]);
    expect(acc.count).toBe(2);
    expect(Array.from(await acc.grads.get(g1.vars[0])!.data())).toEqual(A.map((x) => x + 1));
    expect(Array.from(await acc.grads.get(g1.vars[1])!.data())).toEqual(B.flat());
    const before = tf.memory().numTensors;
    acc.reset();
    expect(tf.memory().numTensors).toBe(before - 2);
    expect([acc.count, acc.grads.size]).toEqual([0, 0]);
    tf.dispose(g1.vars);
  });

  it('clipAndStep: clip the sum, step, zero_grad', async () => {
    const w = tf.variable(tf.tensor1d([1, 1, 1, 1]));
    const opt = new SGD([{ role: 'decay', params: [{ name: 'w', variable: w, torchShape: [4], hwio: false }], lr: 0.1, initial_lr: 0.1, momentum: 0, weight_decay: 0 }]);
    const acc = new GradAccumulator();
    for (let i = 0; i < 2; i++) {
      const g = new Map<tf.Variable, tf.Tensor>([[w, tf.tensor1d([30, 0, 40, 0])]]);
      acc.add(g);
      tf.dispose([...g.values()]);
    }
    const total = clipAndStep(opt, acc, 10);
    expect((await total.data())[0]).toBeCloseTo(100, 4); // ||(60, 0, 80, 0)||
    const coef = 10 / (100 + 1e-6);
    const got = await w.data();
    [60, 0, 80, 0].forEach((g, i) => expect(got[i]).toBeCloseTo(1 - 0.1 * g * coef, 6));
    expect(acc.count).toBe(0);
    tf.dispose([total, w]);
    opt.dispose();
  });
});
