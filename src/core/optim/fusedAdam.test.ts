// FusedAdam (Adam and AdamW) against adam.ts's per-tensor path on the cpu backend: bit-identical without clipping,
// ≤ 1e-7 relative with an active clip, the per-tensor fallback when step counts diverge within a group, checkpoint
// state, and no leaked tensors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { Adam } from './adam';
import { grads, makeRig, none, relDiff, run, SPEC, values, type Rig, type RunOpts } from './flatTesting';
import { FusedAdam } from './fusedAdam';
import { clipAndStep, GradAccumulator } from './grads';

beforeAll(async () => {
  await useBackend('cpu');
});

interface Pair { stock: Adam; fused: FusedAdam; a: Rig; b: Rig }

function pair(decoupled: boolean): Pair {
  const [a, b] = [makeRig(21), makeRig(21)];
  return { a, b, stock: new Adam(a.groups, decoupled), fused: new FusedAdam(b.groups, decoupled) };
}

async function both(p: Pair, o: RunOpts, from = 0): Promise<{ ref: Float32Array[]; got: Float32Array[] }> {
  run(p.stock, p.a, o, from);
  run(p.fused, p.b, o, from);
  return { ref: await values(p.a.vars), got: await values(p.b.vars) };
}

function expectSame(got: Float32Array[], ref: Float32Array[]): void {
  got.forEach((g, i) => expect(Array.from(g), SPEC[i][0]).toEqual(Array.from(ref[i])));
}

function cleanup(p: Pair): void {
  p.stock.dispose();
  p.fused.dispose();
  tf.dispose([...p.a.vars, ...p.b.vars]);
}

describe.each([['Adam', false], ['AdamW', true]] as const)('FusedAdam vs %s (cpu)', (_name, decoupled) => {
  it('5 steps with changing lr and a decay group, no clipping: bit-identical', async () => {
    const p = pair(decoupled);
    const { ref, got } = await both(p, { steps: 5, maxNorm: null, skip: none, scale: 0.5 });
    expectSame(got, ref);
    // Moved well away from the start (so equality is not two untouched copies).
    const start = await values(makeRig(21).vars);
    expect(relDiff(got, start)).toBeGreaterThan(1e-2);
    cleanup(p);
  });

  it('clipping active: ≤ 1e-7 relative (total norm summed in another order)', async () => {
    const p = pair(decoupled);
    const { ref, got } = await both(p, { steps: 5, maxNorm: 1, skip: none, scale: 2 });
    expect(relDiff(got, ref)).toBeLessThanOrEqual(1e-7);
    cleanup(p);
  });

  it('frozen and intermittently unused params (diverging step counts: per-tensor fallback), then state()', async () => {
    const p = pair(decoupled);
    const skip = (s: number) => new Set(s === 1 || s === 3 ? [1, 6, 10] : [1]);
    const { ref, got } = await both(p, { steps: 5, maxNorm: null, skip, scale: 0.5 });
    expectSame(got, ref);
    const [ss, fs] = [await p.stock.state(), await p.fused.state()];
    expect(fs).toEqual(ss);
    expect(fs.state.size).toBe(SPEC.length - 1);
    cleanup(p);
  });

  it('state() mid-run, loadState into a fresh FusedAdam: continues exactly as the per-tensor one', async () => {
    const p = pair(decoupled);
    const o: RunOpts = { steps: 2, maxNorm: null, skip: none, scale: 1 };
    await both(p, o);
    const saved = await p.stock.state();
    expect(await p.fused.state()).toEqual(saved);
    const resumed = new FusedAdam(p.b.groups, decoupled);
    resumed.loadState(saved);
    run(p.stock, p.a, o, 2);
    run(resumed, p.b, o, 2);
    expectSame(await values(p.b.vars), await values(p.a.vars));
    resumed.dispose();
    cleanup(p);
  });

  it('no tensor leaks after a burn-in step', () => {
    const rig = makeRig(9);
    const opt = new FusedAdam(rig.groups, decoupled);
    const step = (s: number) => {
      const acc = new GradAccumulator();
      const g = grads(rig, s, new Set([1]), 1);
      acc.add(g);
      tf.dispose([...g.values()]);
      clipAndStep(opt, acc, 10).dispose();
    };
    step(0);
    const n = tf.memory().numTensors;
    step(1);
    step(2);
    expect(tf.memory().numTensors).toBe(n);
    opt.dispose();
    tf.dispose(rig.vars);
  });
});
