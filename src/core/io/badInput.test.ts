/** Malformed, unsafe or unsupported files fail with a specific CheckpointError naming the problem. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSupportedModel, readCheckpoint } from './checkpoint';
import { writeCheckpoint } from './checkpointWriter';
import { CheckpointError } from './errors';
import { pickle } from './pickler';
import { PyObject, type PyValue, TorchStorage, TorchTensor } from './pyvalues';
import { saveTorchFile } from './torchFile';
import { readZip, writeZip } from './zip';

const BEST = path.resolve(process.cwd(), '../shared/reference/upstream_synth_e100_best.pt');
const best = (): Uint8Array => new Uint8Array(readFileSync(BEST));

function failure(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}
const enc = new TextEncoder();
/** A torch-style zip around a hand-made pickle and optional storage records. */
const torchZip = (pkl: Uint8Array, records: Record<string, Uint8Array> = {}): Uint8Array =>
  writeZip([{ name: 'archive/data.pkl', data: pkl }, ...Object.entries(records).map(([k, data]) => ({ name: `archive/data/${k}`, data })), { name: 'archive/version', data: enc.encode('3\n') }]);

describe('bad checkpoints', () => {
  it('a truncated zip', () => {
    const bytes = best();
    for (const keep of [0.6, 0.999]) {
      const e = failure(() => readCheckpoint(bytes.subarray(0, Math.floor(bytes.length * keep)), 'best.pt'));
      expect(e.code).toBe('truncated');
      expect(e.message).toContain('best.pt');
    }
  });

  it('a zip without data.pkl', () => {
    const zip = writeZip([{ name: 'archive/version', data: enc.encode('3\n') }, { name: 'archive/data/0', data: new Uint8Array(4) }]);
    const e = failure(() => readCheckpoint(zip, 'nopkl.pt'));
    expect(e.code).toBe('missing_data_pkl');
    expect(e.message).toMatch(/nopkl\.pt.*data\.pkl/);
  });

  it('a pickle referencing os.system', () => {
    // \x80\x02 GLOBAL 'os system' BINUNICODE 'echo pwned' TUPLE1 REDUCE STOP
    const pkl = new Uint8Array([0x80, 2, ...enc.encode('cos\nsystem\nX'), 10, 0, 0, 0, ...enc.encode('echo pwned'), 0x85, 0x52, 0x2e]);
    const e = failure(() => readCheckpoint(torchZip(pkl), 'evil.pt'));
    expect(e.code).toBe('global_not_allowed');
    expect(e.message).toContain("'os.system'");
    expect(e.message).toContain('evil.pt');
  });

  it('a corrupted storage byte (CRC32)', () => {
    const bytes = best();
    const entry = readZip(bytes, 'best.pt').entries.get('upstream_synth_e100_best/data/7')!;
    bytes[entry.dataOffset] ^= 1;
    const e = failure(() => readCheckpoint(bytes, 'best.pt'));
    expect(e.code).toBe('crc_mismatch');
    expect(e.message).toContain('data/7');
  });

  it('absurd sizes: storage numel, tensor extent, string length, memo count, missing records', () => {
    const claim = (numel: number, shape: number[]): Uint8Array => pickle(new Map<PyValue, PyValue>([['w', new TorchTensor(new TorchStorage('float16', numel, new Uint8Array(0)), shape, shape.map(() => 1))]])).bytes;
    const huge = failure(() => readCheckpoint(torchZip(claim(1e12, [4]), { 0: new Uint8Array(8) }), 'huge.pt'));
    expect([huge.code, huge.message]).toEqual(['storage_size', expect.stringContaining('1000000000000')]);
    const past = failure(() => readCheckpoint(torchZip(claim(4, [9]), { 0: new Uint8Array(8) }), 'past.pt'));
    expect(past.code).toBe('storage_size');
    const missing = failure(() => readCheckpoint(torchZip(claim(4, [4])), 'missing.pt'));
    expect([missing.code, missing.message]).toEqual(['missing_storage', expect.stringContaining('archive/data/0')]);
    const longStr = new Uint8Array([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f, 0x61, 0x2e]);
    expect(failure(() => readCheckpoint(torchZip(longStr), 's.pt')).code).toBe('pickle_limit');
    const memo = new Uint8Array([0x80, 2, 0x5d, ...Array.from({ length: 50 }, (_, i) => [0x71, i]).flat(), 0x2e]);
    const limits = { maxMemo: 10, maxMarkDepth: 10, maxStringBytes: 100, maxStack: 100, maxLongBytes: 8 };
    expect(failure(() => readCheckpoint(torchZip(memo), 'm.pt', { limits })).code).toBe('pickle_limit');
    expect(failure(() => readCheckpoint(torchZip(new Uint8Array([0x80, 2, 0x5d, 0x2e])), 'list.pt')).code).toBe('not_checkpoint');
  });

  it('a model with modules we do not support: still readable, named by assertSupportedModel', () => {
    const ckpt = readCheckpoint(best(), 'best.pt');
    const layers = ((ckpt.raw as Map<PyValue, PyValue>).get('model') as PyObject).get('_modules') as Map<PyValue, PyValue>;
    const seq = layers.get('model') as PyObject;
    const children = seq.get('_modules') as Map<PyValue, PyValue>;
    const conv = children.get('0') as PyObject;
    const focus = new PyObject('models.common.Focus');
    for (const [k, v] of conv.__dict__) focus.__dict__.set(k, v);
    children.set('0', focus);
    const c = readCheckpoint(saveTorchFile(ckpt.raw, 'focus'), 'focus.pt');
    expect(c.unsupportedModules).toEqual(['models.common.Focus']);
    expect(c.model!.stateDict.size).toBe(349);
    const e = failure(() => assertSupportedModel(c));
    expect(e.code).toBe('unsupported_module');
    expect(e.message).toContain('models.common.Focus');
    expect(e.message).toContain('focus.pt');
    expect(() => assertSupportedModel(ckpt)).not.toThrow();
  });

  it('writer: yaml and state_dict that disagree, or modules we cannot write', () => {
    const m = readCheckpoint(best(), 'best.pt').model!;
    const sd = new Map(m.stateDict);
    sd.delete('model.9.cv2.bn.running_var');
    const missing = failure(() => writeCheckpoint({ epoch: 0, best_fitness: null, model: { ...m, stateDict: sd } }));
    expect([missing.code, missing.message]).toEqual(['bad_model', expect.stringContaining('model.9.cv2.bn.running_var')]);
    const extra = new Map(m.stateDict).set('model.25.weight', { data: new Float32Array(1), shape: [1], dtype: 'float32' });
    expect(failure(() => writeCheckpoint({ epoch: 0, best_fitness: null, model: { ...m, stateDict: extra } })).message).toContain('model.25.weight');
    const yaml = { ...m.yaml!, backbone: m.yaml!.backbone.map((r, i) => (i === 0 ? [r[0], r[1], 'Focus', r[3]] : r)) } as typeof m.yaml;
    const focus = failure(() => writeCheckpoint({ epoch: 0, best_fitness: null, model: { ...m, yaml } }));
    expect([focus.code, focus.message]).toEqual(['unsupported_module', expect.stringContaining("'Focus'")]);
  });
});
