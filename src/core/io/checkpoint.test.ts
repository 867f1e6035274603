/** Reading upstream's reference checkpoints: fields, module classes and bit-exact weights. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, type StateDict } from './checkpoint';
import { upstreamParamGroups } from './paramGroups';
import { loadTorchFile } from './torchFile';

const REF = path.resolve(process.cwd(), '../shared/reference');
const WEIGHTS = path.resolve(process.cwd(), '../shared/weights');
const bytesOf = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
const contents = JSON.parse(readFileSync(path.join(REF, 'checkpoint_contents.json'), 'utf8')).reports;

/** Count of elements differing bit-for-bit between our state_dict and a .bin/.manifest.json pair. */
function compareWithBin(sd: StateDict, stem: string): { mismatched: string[]; names: string[] } {
  const manifest = JSON.parse(readFileSync(path.join(REF, `${stem}.manifest.json`), 'utf8'));
  const raw = readFileSync(path.join(REF, `${stem}.bin`));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  expect(all.length).toBe(manifest.total_elements);
  const mismatched: string[] = [];
  const names: string[] = [];
  for (const [name, shape, offset] of manifest.tensors as [string, number[], number, string][]) {
    names.push(name);
    const t = sd.get(name);
    if (!t || JSON.stringify(t.shape) !== JSON.stringify(shape)) {
      mismatched.push(`${name} shape`);
      continue;
    }
    const want = all.subarray(offset, offset + t.data.length);
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(want[i], t.data[i])) {
        mismatched.push(`${name}[${i}] ${t.data[i]} != ${want[i]}`);
        break;
      }
    }
  }
  return { mismatched, names };
}

describe('readCheckpoint on upstream files', () => {
  it('yolov5n_nc3_seed0_state_dict.pt is a plain fp32 state_dict equal to its .bin exactly', () => {
    const c = readCheckpoint(bytesOf(path.join(REF, 'yolov5n_nc3_seed0_state_dict.pt')), 'yolov5n_nc3_seed0_state_dict.pt');
    expect(c.kind).toBe('state_dict');
    const m = c.model!;
    expect(m.stateDict.size).toBe(349);
    expect(m.dtype).toBe('float32');
    expect(m.stateDict.get('model.0.bn.num_batches_tracked')).toEqual({ data: new Float32Array([1]), shape: [], dtype: 'int64' });
    expect(m.nc).toBe(3);
    expect(m.anchors![0]).toEqual([[1.25, 1.625], [2, 3.75], [4.125, 2.875]]);
    const { mismatched, names } = compareWithBin(m.stateDict, 'yolov5n_nc3_seed0_state_dict');
    expect(mismatched).toEqual([]);
    expect([...m.stateDict.keys()]).toEqual(names);
  });

  it('upstream_synth_e100_best.pt is a stripped fp16 DetectionModel whose weights equal the .bin exactly', () => {
    const bytes = bytesOf(path.join(REF, 'upstream_synth_e100_best.pt'));
    const c = readCheckpoint(bytes, 'upstream_synth_e100_best.pt');
    const report = contents['synth_e100/best.pt'];
    expect(c.kind).toBe('stripped');
    expect(c.epoch).toBe(-1);
    expect([c.best_fitness, c.ema, c.optimizer, c.updates]).toEqual([null, null, null, null]);
    expect(c.date).toMatch(/^2026-11-26T09:59:58/);
    expect(c.git).toEqual({ remote: null, branch: null, commit: null });
    expect(Object.keys(c.opt!)).toEqual(report.top_level_keys.opt.keys);
    expect(c.opt!.imgsz).toBe(256);
    const m = c.model!;
    expect(m.className).toBe('models.yolo.DetectionModel');
    expect([m.dtype, m.requiresGrad, m.training]).toEqual(['float16', false, false]);
    expect(m.stateDict.size).toBe(report.top_level_keys.model.state_dict_len);
    expect(m.names).toEqual(['rectangle', 'circle', 'triangle']);
    expect([m.nc, m.stride, m.yamlFile]).toEqual([3, [8, 16, 32], 'yolov5n.yaml']);
    expect(m.yaml!.backbone[0]).toEqual([-1, 1, 'Conv', [64, 6, 2, 2]]);
    expect(m.yaml!.head.at(-1)).toEqual([[17, 20, 23], 1, 'Detect', ['nc', 'anchors']]);
    expect(m.hyp!.cls).toBeCloseTo(0.01875, 12);
    expect(Array.from(m.classWeights!)).toEqual([0.93227, 1.03386, 1.03386].map((x) => expect.closeTo(x, 5)));
    expect(m.unsupportedModules).toEqual([]);
    const { mismatched } = compareWithBin(m.stateDict, 'upstream_synth_e100_best_state_dict');
    expect(mismatched).toEqual([]);
    // the comparison itself notices a one-ulp change
    const w = m.stateDict.get('model.9.cv2.conv.weight')!;
    const nudged = new Map(m.stateDict).set('model.9.cv2.conv.weight', { ...w, data: w.data.map((x, i) => (i === 7 ? x * (1 + 2 ** -20) : x)) });
    expect(compareWithBin(nudged, 'upstream_synth_e100_best_state_dict').mismatched).toEqual([expect.stringContaining('model.9.cv2.conv.weight[7]')]);
    const classes = loadTorchFile(bytes, 'best.pt').classes;
    expect([...classes].sort()).toEqual(report.top_level_keys.model.module_classes);
  });

  it('ckpt_trainpy_format.pt has model, ema, optimizer groups and numpy best_fitness as train.py saves', () => {
    const c = readCheckpoint(bytesOf(path.join(REF, 'ckpt_trainpy_format.pt')), 'ckpt_trainpy_format.pt');
    const report = contents.constructed_trainpy_format.top_level_keys;
    expect(c.kind).toBe('train');
    expect([c.epoch, c.updates, c.date]).toEqual([0, 0, '2000-01-01T00:00:00']);
    expect(c.best_fitness).toBeCloseTo(0.0028, 12);
    expect([c.model!.dtype, c.model!.requiresGrad, c.model!.training]).toEqual(['float16', true, true]);
    expect([c.ema!.dtype, c.ema!.requiresGrad, c.ema!.training]).toEqual(['float16', false, false]);
    expect(c.ema!.stateDict.size).toBe(report.ema.state_dict_len);
    const groups = c.optimizer!.param_groups;
    expect(groups.map((g) => g.params.length)).toEqual([60, 60, 57]);
    expect(groups.map(({ params, ...rest }) => ({ ...rest, params: `${params.length} param ids` }))).toEqual(report.optimizer.param_groups);
    expect(groups.flatMap((g) => g.params)).toEqual(Array.from({ length: 177 }, (_, i) => i));
    expect(c.optimizer!.state.size).toBe(report.optimizer.state_entries);
    expect(Object.keys(c.opt!)).toEqual(report.opt.keys);
    expect(c.model!.parameterNames.size).toBe(177);
    // smart_optimizer's grouping rebuilt from names has the reference's group sizes
    const named = upstreamParamGroups(c.model!.stateDict.keys());
    expect(named.map((g) => g.length)).toEqual([60, 60, 57]);
    expect(named[0].slice(0, 2)).toEqual(['model.0.bn.bias', 'model.1.bn.bias']);
    expect(named[1].at(-1)).toBe('model.24.m.2.weight');
    expect(named[2][0]).toBe('model.0.bn.weight');
    expect(new Set(named.flat())).toEqual(c.model!.parameterNames);
  });

  it('weights/yolov5n.pt (v6.1 release) loads: models.yolo.Model, 80 names list, DoubleStorage class_weights, wandb_id', () => {
    const c = readCheckpoint(bytesOf(path.join(WEIGHTS, 'yolov5n.pt')), 'yolov5n.pt');
    expect(c.kind).toBe('stripped');
    expect(c.wandb_id).toBeNull();
    expect(c.opt).toBeUndefined();
    expect(c.git).toBeUndefined();
    const m = c.model!;
    expect(m.className).toBe('models.yolo.Model');
    expect(m.nc).toBe(80);
    expect(m.names.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
    expect(m.names.length).toBe(80);
    expect(m.classWeights!.length).toBe(80);
    expect(m.stateDict.get('model.24.m.0.weight')!.shape).toEqual([255, 64, 1, 1]);
    expect(m.anchors![2]).toEqual([[3.625, 2.8125], [4.875, 6.1875], [11.65625, 10.1875]]);
    expect(m.unsupportedModules).toEqual([]);
  });
});
