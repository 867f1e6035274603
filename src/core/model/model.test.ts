import { useBackend } from '../../../test/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { failedChecks } from '../../../test/parity';
import { readRefJson, readRefStateDict } from '../../../test/refs';
import { evalForwardChecks, FORWARD_TOL, trainForwardChecks, type ForwardRef } from './forward.parity';
import { buildModel, modelConfig, MODEL_NAMES } from './index';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('architecture', () => {
  const expected = {
    yolov5n: [1872157, 349], yolov5s: [7235389, 349], yolov5m: [21190557, 481],
    yolov5l: [46563709, 613], yolov5x: [86749405, 745],
  } as const;
  for (const name of MODEL_NAMES) {
    it(`${name} nc=80 has upstream's parameter count and state_dict size`, () => {
      const m = buildModel(modelConfig(name), { seed: 0 });
      try {
        expect(m.parameterCount()).toBe(expected[name][0]);
        expect(m.entries.length).toBe(expected[name][1]);
        expect(m.stride).toEqual([8, 16, 32]);
      } finally {
        m.dispose();
      }
    });
  }

  it('has upstream state_dict keys and shapes in upstream order', () => {
    const ref = readRefStateDict('yolov5n_nc3_seed0_state_dict');
    const m = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 0 });
    expect(m.entries.map((e) => e.name)).toEqual([...ref.keys()]);
    for (const e of m.entries) expect(e.torchShape, e.name).toEqual(ref.get(e.name)!.shape);
    m.dispose();
  });

  it('starts in the state a freshly built upstream model has (BN after the stride probe, anchors, bias init)', async () => {
    const ref = readRefStateDict('yolov5n_nc3_seed0_state_dict');
    const m = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 0 });
    const sd = await m.stateDict();
    for (const key of ['model.0.bn.running_var', 'model.0.bn.running_mean', 'model.0.bn.num_batches_tracked', 'model.24.anchors']) {
      expect(Array.from(sd.get(key)!.data), key).toEqual(Array.from(ref.get(key)!.data));
    }
    // Detect biases = U(-1/sqrt(fan_in), +) + the prior; the prior dominates: compare the per-slot means loosely.
    const b = sd.get('model.24.m.0.bias')!.data;
    const rb = ref.get('model.24.m.0.bias')!.data;
    expect(Math.abs(b[4] - rb[4])).toBeLessThan(2 / Math.sqrt(64));
    m.dispose();
  });
});

for (const backend of ['cpu', 'wasm'] as const) describe(`forward parity with upstream (model_forward.json, ${backend})`, () => {
  // Tolerances and their reasons: forward.parity.ts (shared with the WebGPU page, e2e/webgpuParity.spec.ts).
  const tol = FORWARD_TOL[backend];
  beforeAll(async () => {
    await useBackend(backend);
  });
  const ref = readRefJson<ForwardRef>('model_forward.json');
  const sd = readRefStateDict('yolov5n_nc3_seed0_state_dict');

  it('eval decoded and raw outputs match element-wise', async () => {
    const checks = await evalForwardChecks(ref, sd, tol);
    expect(checks.map((c) => c.name)).toEqual(['eval_decoded', 'eval_raw[0]', 'eval_raw[1]', 'eval_raw[2]']);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('train raw outputs (within a fraction of each level\'s range) and model.0 BN buffers after one train forward match', async () => {
    const checks = await trainForwardChecks(ref, sd, tol);
    expect(checks).toHaveLength(6);
    expect(failedChecks(checks)).toEqual([]);
  });
});
