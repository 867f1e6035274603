import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { readRefJson, worst, type RefTensor } from '../../../test/refs';
import { buildModel, modelConfig } from '../model';
import { EmaAverager, emaDecay, ModelEMA, type EmaPair } from './ema';

beforeAll(async () => {
  await useBackend('cpu');
});

type State = Record<string, RefTensor>;
interface EmaRef {
  decay_samples: [number, number][];
  tiny_initial_state: State;
  steps: { update: number; decay: number; model_state_after: State; ema_state_after: State }[];
}
const ref = readRefJson<EmaRef>('ema.json');

/** The fixture holds 6 significant digits: at most 5e-6 relative rounding. */
const RTOL = 5e-6;
/**
 * EMA outputs: the model states we feed in are themselves the fixture's 6-digit roundings, and with d ~ 0.001 the
 * EMA is almost all model, so input rounding (5e-6) and output rounding (5e-6) add up.
 */
const RTOL_EMA = 1e-5;

describe('ModelEMA parity (ema.json)', () => {
  it('decay d = 0.9999 * (1 - exp(-updates / 2000)) at every sampled count', () => {
    expect(ref.decay_samples.length).toBeGreaterThan(50);
    for (const [u, d] of ref.decay_samples) {
      expect(Math.abs(emaDecay(u) - d), `updates ${u}`).toBeLessThanOrEqual(RTOL * d);
    }
  });

  it('3 updates of a Conv+BN module: every floating entry averaged, num_batches_tracked left alone', async () => {
    const floating = Object.entries(ref.tiny_initial_state).filter(([, t]) => t.dtype.startsWith('float'));
    expect(floating.map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var']);
    const init = (t: RefTensor) => tf.variable(tf.tensor(t.data.map(Math.fround), t.shape), false);
    // The EMA starts as a copy of the model (deepcopy); the model then trains and gets noise, which the fixture
    // gives as the model's state after each step.
    const pairs: EmaPair[] = floating.map(([name, t]) => ({ name, ema: init(t), model: init(t) }));
    const ema = new EmaAverager(pairs);
    for (const step of ref.steps) {
      for (const p of pairs) {
        if (!('ema' in p)) continue;
        const t = step.model_state_after[p.name];
        tf.tidy(() => p.model.assign(tf.tensor(t.data.map(Math.fround), t.shape)));
      }
      const d = ema.update();
      expect(ema.updates).toBe(step.update);
      expect(Math.abs(d - step.decay)).toBeLessThanOrEqual(RTOL * step.decay);
      for (const p of pairs) {
        if (!('ema' in p)) continue;
        const w = worst(await p.ema.data(), step.ema_state_after[p.name].data, RTOL_EMA, 1e-10);
        expect(w.ratio, `step ${step.update} ${p.name}: ${JSON.stringify(w)}`).toBeLessThanOrEqual(1);
      }
      // Upstream's EMA copy keeps its own integer buffer while the model's counts batches.
      expect(step.ema_state_after['1.num_batches_tracked'].data[0]).toBe(0);
      expect(step.model_state_after['1.num_batches_tracked'].data[0]).toBe(step.update);
    }
    for (const p of pairs) if ('ema' in p) tf.dispose([p.ema, p.model]);
  });

  it('host pairs (the anchors buffer) are averaged in float32 the same way', () => {
    const emaHost = Float32Array.of(1.25, 2.5);
    const modelHost = Float32Array.of(3.75, -1);
    const avg = new EmaAverager([{ name: 'model.24.anchors', emaHost, modelHost }], 999);
    const d = avg.update();
    const f = Math.fround;
    expect(Array.from(emaHost)).toEqual([0, 1].map((i) => f(f(f([1.25, 2.5][i]) * f(d)) + f(f(1 - d) * modelHost[i]))));
  });
});

describe('ModelEMA over a YoloModel', () => {
  it('copies the model, averages params, BN buffers and anchors, keeps its own BN counts; EMA vars are not trainable', async () => {
    const model = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 0 });
    const ema = ModelEMA.create(model);
    try {
      const before = await model.stateDict();
      const copy = await ema.ema.stateDict();
      expect([...copy.keys()]).toEqual([...before.keys()]);
      const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      for (const [k, t] of before) expect(bytes(copy.get(k)!.data).equals(bytes(t.data)), k).toBe(true);
      expect(ema.ema.trainableVariables().every((v) => !v.trainable)).toBe(true);

      // "Train" the model: every float tensor + 1, BN counts move on, anchors change (as AutoAnchor would).
      for (const e of model.entries) {
        if (e.variable) tf.tidy(() => e.variable!.assign(tf.add(e.variable!, 1)));
        if (e.kind === 'count') (e.host as { value: number }).value += 5;
      }
      model.detect.anchors.values.set(model.detect.anchors.values.map((a) => a * 2));
      ema.updates = 99; // as after a resume
      const d = ema.update();
      expect(ema.updates).toBe(100);
      expect(d).toBeCloseTo(emaDecay(100), 15);
      const after = await ema.ema.stateDict();
      const f = Math.fround;
      for (const name of ['model.0.conv.weight', 'model.0.bn.running_var', 'model.24.m.1.bias', 'model.24.anchors']) {
        const old = before.get(name)!.data;
        const now = after.get(name)!.data;
        const scale = name.endsWith('anchors') ? (x: number) => x * 2 : (x: number) => f(x + 1);
        const want = Array.from(old, (x) => f(f(x * f(d)) + f(f(1 - d) * scale(x))));
        const w = worst(now, want, 1e-6, 1e-7);
        expect(w.ratio, `${name}: ${JSON.stringify(w)}`).toBeLessThanOrEqual(1);
      }
      expect(after.get('model.0.bn.num_batches_tracked')!.data[0]).toBe(before.get('model.0.bn.num_batches_tracked')!.data[0]);
      // The EMA model runs like any model.
      const out = tf.tidy(() => ema.ema.forwardEval(tf.zeros([1, 64, 64, 3]) as tf.Tensor4D));
      expect(out.shape).toEqual([1, 252, 8]);
      out.dispose();
    } finally {
      ema.dispose();
      model.dispose();
    }
  });
});
