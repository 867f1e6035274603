/** read -> write -> read preserves every tensor and field, and the written pickle has upstream's structure. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, type ModelInfo, type OptimizerState, readCheckpoint, type StateTensor } from './checkpoint';
import { type CheckpointInput, stripCheckpoint, writeCheckpoint, writeStateDict } from './checkpointWriter';
import { NdArray, PyObject, type PyValue, TorchTensor } from './pyvalues';

const REF = path.resolve(process.cwd(), '../shared/reference');
const FILES = [
  path.join(REF, 'ckpt_trainpy_format.pt'),
  path.join(REF, 'upstream_synth_e100_best.pt'),
  path.join(REF, 'yolov5n_nc3_seed0_state_dict.pt'),
  path.resolve(process.cwd(), '../shared/weights/yolov5n.pt'),
];
const read = (p: string): Checkpoint => readCheckpoint(new Uint8Array(readFileSync(p)), path.basename(p));
const toInput = (c: Checkpoint): CheckpointInput => ({ ...c, epoch: c.epoch ?? 0, date: c.date ?? undefined, extra: Object.fromEntries(c.extra) });

function expectSameModel(a: ModelInfo | null, b: ModelInfo | null, what: string): void {
  if (!a || !b) return expect(b, what).toBe(a);
  expect([...b.stateDict.keys()], what).toEqual([...a.stateDict.keys()]);
  const differing: string[] = [];
  for (const [k, t] of a.stateDict) {
    const u = b.stateDict.get(k)!;
    if (u.dtype !== t.dtype || JSON.stringify(u.shape) !== JSON.stringify(t.shape) || u.data.some((x, i) => !Object.is(x, t.data[i]))) differing.push(k);
  }
  expect(differing, what).toEqual([]);
  expect([...b.parameterNames], what).toEqual([...a.parameterNames]);
  const { stateDict: _a, parameterNames: _pa, className: _ca, yaml: ya, ...restA } = a;
  const { stateDict: _b, parameterNames: _pb, className: _cb, yaml: yb, ...restB } = b;
  expect(restB, what).toEqual(restA);
  expect(yb, what).toEqual(ya && { ...ya, ch: ya.ch ?? 3 });
}

function expectSameCheckpoint(a: Checkpoint, b: Checkpoint): void {
  for (const k of ['kind', 'epoch', 'best_fitness', 'updates', 'date', 'opt', 'git', 'wandb_id', 'unsupportedModules'] as const) expect(b[k], k).toEqual(a[k]);
  expect('opt' in b).toBe('opt' in a);
  expectSameModel(a.model, b.model, 'model');
  expectSameModel(a.ema, b.ema, 'ema');
  expect(b.optimizer).toEqual(a.optimizer);
}

/** Differences between two pickled object graphs, ignoring Detect's grid caches (rebuilt on first forward). */
function structureDiff(a: PyValue, b: PyValue, at: string, out: string[], depth = 0): void {
  if (out.length > 20 || depth > 40) return;
  if (a instanceof TorchTensor || b instanceof TorchTensor) {
    if (!(a instanceof TorchTensor && b instanceof TorchTensor)) return void out.push(`${at}: tensor vs ${String(b)}`);
    const same = a.dtype === b.dtype && `${a.shape}|${a.stride}|${a.offset}` === `${b.shape}|${b.stride}|${b.offset}` && a.requiresGrad === b.requiresGrad && a.isParameter === b.isParameter;
    const bytes = (t: TorchTensor): Uint8Array => t.storage.bytes;
    if (!same || bytes(a).some((x, i) => x !== bytes(b)[i])) out.push(`${at}: tensor differs`);
    return;
  }
  if (a instanceof PyObject || b instanceof PyObject) {
    if (!(a instanceof PyObject && b instanceof PyObject) || a.__class__ !== b.__class__) return void out.push(`${at}: class ${String(a)} vs ${String(b)}`);
    return structureDiff(a.__dict__ as Map<PyValue, PyValue>, b.__dict__ as Map<PyValue, PyValue>, at, out, depth + 1);
  }
  if (a instanceof Map && b instanceof Map) {
    if (JSON.stringify([...a.keys()]) !== JSON.stringify([...b.keys()])) return void out.push(`${at}: keys ${[...a.keys()]} vs ${[...b.keys()]}`);
    for (const [k, v] of a) if (k !== 'grid' && k !== 'anchor_grid') structureDiff(v, b.get(k)!, `${at}.${String(k)}`, out, depth + 1);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length || Object.isFrozen(a) !== Object.isFrozen(b)) return void out.push(`${at}: sequence differs`);
    a.forEach((v, i) => structureDiff(v, b[i], `${at}[${i}]`, out, depth + 1));
    return;
  }
  if (a instanceof NdArray || b instanceof NdArray) {
    const key = (x: PyValue): string => (x instanceof NdArray ? `${x.dtype.str}${x.dtype.byteorder}${x.shape}:${x.bytes}` : String(x));
    if (key(a) !== key(b)) out.push(`${at}: ndarray ${key(a)} vs ${key(b)}`);
    return;
  }
  if (a instanceof Set && b instanceof Set) return void (a.size === b.size || out.push(`${at}: set`));
  if (!Object.is(a, b) && !(a instanceof Uint8Array)) out.push(`${at}: ${String(a)} vs ${String(b)}`);
}

describe('checkpoint round trip', () => {
  for (const file of FILES) {
    it(`${path.basename(file)}: read -> write -> read preserves every tensor and field; rewriting is byte-identical`, () => {
      const a = read(file);
      const write = (c: Checkpoint): Uint8Array => (c.kind === 'state_dict' ? writeStateDict(c.model!.stateDict) : writeCheckpoint(toInput(c), { archiveName: 'rt' }));
      const bytes = write(a);
      const b = readCheckpoint(bytes, 'rt.pt');
      expectSameCheckpoint(a, b);
      const again = write(b);
      expect(again.length).toBe(bytes.length);
      expect(again.findIndex((x, i) => x !== bytes[i])).toBe(-1); // byte-identical (toEqual on MBs is slow)
    });
  }

  it('the written pickle has the same module tree, attributes and tensors as upstream train.py output', () => {
    for (const file of [FILES[0], FILES[1]]) {
      const a = read(file);
      const b = readCheckpoint(writeCheckpoint(toInput(a)), 'rt.pt');
      const diffs: string[] = [];
      structureDiff(a.raw, b.raw, path.basename(file), diffs);
      expect(diffs).toEqual([]);
    }
  });

  it('strip_optimizer form: EMA weights as model, eval mode, no optimizer, epoch -1', () => {
    const train = read(FILES[0]);
    const s = readCheckpoint(writeCheckpoint(stripCheckpoint(toInput(train))), 'best.pt');
    expect(s.kind).toBe('stripped');
    expect([s.epoch, s.best_fitness, s.updates, s.ema, s.optimizer]).toEqual([-1, null, null, null, null]);
    expect([s.model!.requiresGrad, s.model!.training, s.model!.dtype]).toEqual([false, false, 'float16']);
    expectSameModel({ ...train.ema!, requiresGrad: false, training: false }, s.model, 'stripped model');
  });

  it('optimizer momentum buffers (fp32, by parameter index) survive a round trip', () => {
    const train = read(FILES[0]);
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const params = [...train.model!.parameterNames];
    const state: OptimizerState['state'] = new Map();
    // torch numbers parameters group by group; the reference groups list 0..176 in order
    train.optimizer!.param_groups.flatMap((g) => g.params).forEach((idx, k) => {
      const t = train.model!.stateDict.get(params[k])!;
      state.set(idx, { momentum_buffer: { data: Float32Array.from(t.data, () => Math.fround(rand())), shape: t.shape, dtype: 'float32' } });
    });
    const optimizer = { ...train.optimizer!, state };
    const back = readCheckpoint(writeCheckpoint({ ...toInput(train), optimizer }), 'last.pt');
    expect(back.optimizer!.param_groups).toEqual(optimizer.param_groups);
    expect(back.optimizer!.state.size).toBe(177);
    const bad: number[] = [];
    for (const [idx, rec] of state) {
      const want = rec.momentum_buffer as StateTensor;
      const got = back.optimizer!.state.get(idx)?.momentum_buffer as StateTensor | undefined;
      if (!got || got.dtype !== 'float32' || `${got.shape}` !== `${want.shape}` || got.data.some((x, i) => x !== want.data[i])) bad.push(idx);
    }
    expect(bad).toEqual([]);
  });

  it('writes fp32 weights when asked, and a model built from a plain state_dict plus yaml', () => {
    const sd = read(FILES[2]).model!;
    const best = read(FILES[1]).model!;
    const model = { ...sd, yaml: best.yaml, names: best.names, hyp: best.hyp };
    const c = readCheckpoint(writeCheckpoint({ epoch: 3, best_fitness: 0.5, model, date: '2001-01-01T00:00:00' }, { dtype: 'float32' }), 'x.pt');
    expect([c.kind, c.epoch, c.best_fitness, c.model!.dtype, c.model!.stride]).toEqual(['stripped', 3, 0.5, 'float32', [8, 16, 32]]);
    expectSameModel({ ...sd, yaml: best.yaml, names: best.names, hyp: best.hyp, className: null, stride: [8, 16, 32], yamlFile: null }, { ...c.model!, className: null }, 'fp32');
  });
});
